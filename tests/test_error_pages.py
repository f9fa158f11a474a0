"""Error pages in the portal's layout, in Chinese, with and without DEBUG (defect 2 of issue 14)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _in_layout(response) -> str:
    text = response.content.decode()
    assert 'class="navbar-brand"' in text, "the page keeps the portal's top bar"
    assert reverse("home") in text, "and offers the way home"
    return text


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_shows_the_portals_chinese_404(client_for, staff, settings, debug):
    settings.DEBUG = debug
    response = client_for(staff).get("/no-such-page/")
    assert response.status_code == 404
    text = _in_layout(response)
    assert "页面不存在" in text
    assert "URLconf" not in text, "no list of the portal's URL patterns"


@pytest.mark.parametrize("debug", [False, True])
def test_another_agencys_record_is_a_chinese_404_even_under_debug(
    client_for, staff, other_branch, settings, debug
):
    from tests.factories import ActivityFactory

    settings.DEBUG = debug
    theirs = ActivityFactory(organization=other_branch)
    response = client_for(staff).get(reverse("activities:detail", args=[theirs.pk]))
    assert response.status_code == 404
    assert "页面不存在" in _in_layout(response)


def test_under_debug_a_developer_still_gets_djangos_technical_404(client, settings, django_user_model):
    settings.DEBUG = True
    developer = django_user_model.objects.create_user("dev", password="x", is_staff=True)
    client.force_login(developer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_a_page_above_ones_role_is_a_chinese_403_in_the_layout(client_for, staff, settings, debug):
    settings.DEBUG = debug
    response = client_for(staff).get(reverse("dashboard:index"))
    assert response.status_code == 403
    text = _in_layout(response)
    assert "无权" in text or "没有权限" in text
    assert "Forbidden" not in text


def test_a_logged_out_visitor_gets_the_404_in_the_layout_without_a_menu(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in _in_layout(response)


def test_the_500_page_renders_in_the_layout_without_a_request():
    from django.template.loader import render_to_string

    text = render_to_string("500.html")
    assert 'class="navbar-brand"' in text


def test_a_bad_request_is_a_chinese_400(rf):
    from django.views.defaults import bad_request

    response = bad_request(rf.get("/"), Exception("bad"))
    assert response.status_code == 400
    assert 'class="navbar-brand"' in response.content.decode()


def test_a_refused_csrf_token_is_a_chinese_page(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert 'class="navbar-brand"' in response.content.decode()
    assert "CSRF verification failed" not in response.content.decode()
