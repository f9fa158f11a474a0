import pytest
from django.test import RequestFactory
from django.urls import reverse

from studyportal.security import client_ip

LOGIN = "/accounts/login/"
GOOD = "test-pass-123"


def attempt(client, username, password, address, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


@pytest.fixture
def locked_out(client, staff, settings):
    """t_staff has failed the limit from 10.0.0.1."""
    settings.AXES_FAILURE_LIMIT = 5
    statuses = [attempt(client, "t_staff", "wrong-password", "10.0.0.1").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    return staff


def test_the_right_password_is_refused_from_the_address_that_failed_too_often(client, locked_out):
    response = attempt(client, "t_staff", GOOD, "10.0.0.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_explained_in_chinese_on_the_login_page(client, locked_out):
    html = attempt(client, "t_staff", GOOD, "10.0.0.1").content.decode()
    assert "登录失败次数过多" in html
    assert "30 分钟" in html
    assert 'name="username"' in html  # still the login form, not a bare error page


def test_the_same_person_still_logs_in_from_another_computer(client, locked_out):
    response = attempt(client, "t_staff", GOOD, "10.0.0.2")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_colleague_still_logs_in_from_the_address_that_was_locked(client, locked_out, secretary):
    response = attempt(client, "t_secretary", GOOD, "10.0.0.1")
    assert response.status_code == 302


def test_a_success_before_the_limit_clears_the_failures(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        attempt(client, "t_staff", "wrong-password", "10.0.0.1")
    assert attempt(client, "t_staff", GOOD, "10.0.0.1").status_code == 302
    client.logout()
    for _ in range(2):
        attempt(client, "t_staff", "wrong-password", "10.0.0.1")
    assert attempt(client, "t_staff", GOOD, "10.0.0.1").status_code == 302


def test_behind_a_trusted_proxy_people_are_told_apart_by_forwarded_address(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "192.168.0.10"
    for _ in range(3):
        attempt(client, "t_staff", "wrong-password", proxy, HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert attempt(client, "t_staff", GOOD, proxy, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 429
    assert attempt(client, "t_staff", GOOD, proxy, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "192.168.0.10"),  # no proxy configured: the header is anyone's to forge
        (1, "6.6.6.6, 10.0.0.1", "10.0.0.1"),  # the client forged the first hop; the proxy wrote the last
        (2, "10.0.0.1, 172.16.0.1", "10.0.0.1"),
        (1, "", "192.168.0.10"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="192.168.0.10", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_one_password_sprayed_over_many_usernames_from_one_address_is_refused(client, staff, settings):
    """Each username fails once only, far below the per-account limit (issue 13, finding 10)."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    statuses = [attempt(client, f"guess{n}", "Password123", "10.0.0.9").status_code for n in range(10)]
    assert statuses == [200] * 10
    refused = attempt(client, "t_staff", GOOD, "10.0.0.9")
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert "多个账号" in refused.content.decode()
    # The rest of the office, at other addresses, is not affected.
    assert attempt(client, "t_staff", GOOD, "10.0.0.10").status_code == 302


def test_a_few_typos_by_colleagues_behind_one_address_lock_nobody(client, staff, secretary, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for username in ("t_staff", "t_secretary", "t_staff"):
        attempt(client, username, "typo", "10.0.0.9")
    assert attempt(client, "t_secretary", GOOD, "10.0.0.9").status_code == 302
