import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from studyportal.accounts.models import User

ROOT = Path(__file__).resolve().parents[2]


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_chinese_by_default(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名" in html


def test_login_page_in_english_when_asked(client, db):
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_language_switch_sets_the_language(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_secretary_logs_in_and_sees_the_agency(client, secretary, agency):
    response = client.post(
        "/accounts/login/", {"username": "t_secretary", "password": "test-pass-123"}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert agency.name in html
    assert "书记" in html  # the role badge


def test_a_person_with_an_initial_password_must_change_it_first(client, staff):
    staff.must_change_password = True
    staff.save()
    client.force_login(staff)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "test-pass-123",
            "new_password1": "a-much-better-pass-9",
            "new_password2": "a-much-better-pass-9",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.must_change_password
    assert client.get("/").status_code == 200


def test_a_bad_new_password_re_renders_in_chinese(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "1", "new_password2": "2"}
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()


def test_admin_site_is_chinese(client, db):
    admin = User.objects.create_superuser("root", password="x-long-password-1", real_name="管理员")
    client.force_login(admin)
    html = client.get("/admin/").content.decode()
    assert "学习型机关工作平台" in html and "Django" not in html.split("<body", 1)[1]
    assert "组织" in html
    # Other packages' apps and models in Chinese too (issue 14: AXES, "TOTP devices").
    for name in ("登录限制", "登录尝试", "身份验证器", "备用验证码"):
        assert name in html
    for english in ("Axes", "TOTP", "Otp_", "access attempts"):
        assert english not in html


def test_the_two_factor_device_pages_of_the_admin_are_in_chinese(client, db):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    admin = User.objects.create_superuser("root", password="x-long-password-1", real_name="管理员")
    device = TOTPDevice.objects.create(user=UserFactory(), name="手机")
    backup = StaticDevice.objects.create(user=UserFactory(), name="备用")
    client.force_login(admin)
    for url in (
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:otp_totp_totpdevice_add"),
        reverse("admin:otp_totp_totpdevice_change", args=[device.pk]),
        reverse("admin:otp_static_staticdevice_changelist"),
        reverse("admin:otp_static_staticdevice_change", args=[backup.pk]),
    ):
        body = client.get(url).content.decode().split("<body", 1)[1].split(">", 1)[1]
        text = re.sub(r"<script.*?</script>|<[^>]*>", " ", body, flags=re.S)
        assert "身份验证器" in text or "备用验证码" in text, url
        # Its names, field labels, help texts, section titles and search help.
        for english in ("TOTP", "device", "Device", "Identity", "Throttling", "Confirmed", "Search by"):
            assert english not in text, (url, english)


@pytest.mark.django_db
def test_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.slow  # a child interpreter
def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "a-production-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "studyportal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
