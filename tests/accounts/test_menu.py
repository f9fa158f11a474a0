"""The menu offers only pages the person may open (defect 1 of issue 14)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="navbar.*?</nav>', re.S)
LINK = re.compile(r'href="(/[^"#]*)"')


def _menu_links(client) -> list[str]:
    page = client.get(reverse("home")).content.decode()
    return sorted(set(LINK.findall(NAV.search(page).group(0))) - {"/static/"})


@pytest.mark.parametrize("person", ["staff", "recorder", "secretary", "admin_user"])
def test_every_page_in_the_menu_opens_for_the_person_who_sees_it(client_for, request, person):
    client = client_for(request.getfixturevalue(person))
    links = _menu_links(client)
    assert links, "the menu has links"
    refused = [link for link in links if client.get(link).status_code == 403]
    assert refused == []


@pytest.mark.parametrize(("person", "offered"), [("staff", False), ("recorder", False), ("secretary", True)])
def test_study_points_are_in_the_menu_only_for_those_who_may_see_them(client_for, request, person, offered):
    client = client_for(request.getfixturevalue(person))
    assert (reverse("records:points") in _menu_links(client)) is offered


def test_staff_find_their_own_points_on_their_study_record(client_for, staff):
    client = client_for(staff)
    assert reverse("activities:my_record") in _menu_links(client)
    assert "学习积分" in client.get(reverse("activities:my_record")).content.decode()
