import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = "/accounts/login/"
SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"


def code_for(device):
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(6)


def log_in(client, username):
    return client.post(LOGIN, {"username": username, "password": "test-pass-123"})


@pytest.fixture
def secretary_with_app(secretary):
    return TOTPDevice.objects.create(user=secretary, name="authenticator", confirmed=True)


def test_after_the_password_a_person_with_an_app_is_asked_for_the_code(client, secretary_with_app):
    log_in(client, "t_secretary")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert "验证码" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("path", ["/", "/accounts/password/", "/admin/"])
def test_no_page_opens_before_the_code_is_given(client, secretary_with_app, path):
    log_in(client, "t_secretary")
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused_in_chinese(client, secretary_with_app):
    log_in(client, "t_secretary")
    response = client.post(
        VERIFY, {"token": "000000" if code_for(secretary_with_app) != "000000" else "111111"}
    )
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_right_code_opens_the_portal_and_returns_to_the_page_asked_for(client, secretary_with_app):
    log_in(client, "t_secretary")
    response = client.post(VERIFY, {"token": code_for(secretary_with_app), "next": "/accounts/password/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/").status_code == 200


def test_a_backup_code_works_once(client, secretary_with_app):
    backup = StaticDevice.objects.create(user=secretary_with_app.user, name="backup")
    backup.token_set.create(token="a1b2c3d4")
    log_in(client, "t_secretary")
    assert client.post(VERIFY, {"token": "a1b2c3d4"}).status_code == 302
    client.logout()
    log_in(client, "t_secretary")
    assert client.post(VERIFY, {"token": "a1b2c3d4"}).status_code == 200


def test_a_secretary_without_an_app_must_enrol_when_the_deployment_requires_it(client, secretary, settings):
    settings.OTP_REQUIRED_ROLES = ["secretary"]
    log_in(client, "t_secretary")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    html = client.get(SETUP).content.decode()
    assert "您的角色要求启用两步验证" in html
    assert 'src="data:image/svg+xml' in html  # the QR code


def test_an_admin_is_covered_by_a_requirement_on_secretaries(client, admin_user, settings):
    settings.OTP_REQUIRED_ROLES = ["secretary"]
    log_in(client, "t_admin")
    assert client.get("/")["Location"].startswith(SETUP)


def test_staff_are_not_asked_to_enrol_when_only_secretaries_must(client, staff, settings):
    settings.OTP_REQUIRED_ROLES = ["secretary"]
    log_in(client, "t_staff")
    assert client.get("/").status_code == 200


def test_nobody_must_enrol_by_default(client, secretary):
    log_in(client, "t_secretary")
    assert client.get("/").status_code == 200


def test_enrolling_turns_two_factor_sign_in_on_and_shows_backup_codes_once(client, secretary, settings):
    settings.OTP_REQUIRED_ROLES = ["secretary"]
    log_in(client, "t_secretary")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=secretary)
    assert not device.confirmed
    response = client.post(SETUP, {"token": code_for(device)})
    html = response.content.decode()
    assert response.status_code == 200 and "备用验证码" in html
    codes = list(StaticDevice.objects.get(user=secretary).token_set.values_list("token", flat=True))
    assert len(codes) == 8 and all(code in html for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    # The next login asks for a code.
    client.logout()
    log_in(client, "t_secretary")
    assert client.get("/")["Location"].startswith(VERIFY)


def test_a_wrong_enrolment_code_leaves_two_factor_off(client, secretary):
    log_in(client, "t_secretary")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=secretary)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


@pytest.mark.parametrize("path", [SETUP, VERIFY])
def test_the_two_factor_pages_need_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("path", [SETUP, VERIFY])
def test_the_two_factor_pages_refuse_other_methods(client_for, staff, path):
    assert client_for(staff).put(path).status_code == 405
