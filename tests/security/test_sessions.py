import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from studyportal.security import LAST_SEEN, LOGIN_AT

HOME = "/"


def set_clock(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_a_fresh_session_reaches_the_home_page(client_for, staff):
    assert client_for(staff).get(HOME).status_code == 200


def test_an_idle_session_ends_and_asks_to_log_in_again(client_for, staff, settings):
    client = client_for(staff)
    set_clock(client, **{LAST_SEEN: int(time.time()) - settings.SESSION_IDLE_SECONDS - 5})
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "长时间未操作" in response.content.decode()
    assert client.get(HOME).status_code == 302  # and it stays ended


def test_a_session_ends_at_the_absolute_cap_even_when_busy(client_for, staff, settings):
    client = client_for(staff)
    now = int(time.time())
    set_clock(client, **{LOGIN_AT: now - settings.SESSION_ABSOLUTE_SECONDS - 5, LAST_SEEN: now})
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_activity_keeps_an_idle_clock_running(client_for, staff, settings):
    client = client_for(staff)
    settings.SESSION_IDLE_SECONDS = 600
    set_clock(client, **{LAST_SEEN: int(time.time()) - 500})
    assert client.get(HOME).status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5


def test_a_disabled_account_loses_its_open_session(client_for, staff):
    client = client_for(staff)
    key = client.session.session_key
    staff.is_active = False
    staff.save()
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Session.objects.filter(session_key=key).exists()


def test_changing_the_password_ends_the_other_sessions(staff):
    here, elsewhere = Client(), Client()
    here.force_login(staff)
    elsewhere.force_login(staff)
    response = here.post(
        "/accounts/password/",
        {
            "old_password": "test-pass-123",
            "new_password1": "new-Secret-2023x",
            "new_password2": "new-Secret-2023x",
        },
    )
    assert response.status_code == 302
    assert here.get(HOME).status_code == 200
    response = elsewhere.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("header", [{}, {"HTTP_HX_REQUEST": "true"}])
def test_an_expired_htmx_request_is_sent_to_the_login_page(client_for, staff, settings, header):
    client = client_for(staff)
    set_clock(client, **{LAST_SEEN: int(time.time()) - settings.SESSION_IDLE_SECONDS - 5})
    response = client.get(HOME, **header)
    location = response["HX-Redirect"] if header else response["Location"]
    assert location.startswith("/accounts/login/")
