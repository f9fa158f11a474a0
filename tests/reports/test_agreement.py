"""Figures shown in more than one place agree: the dashboard, the points page and the annual summary
count the members under the study-points threshold the same way (one rule,
activities.selectors.points.low_points), and the summary's placements by level are the publicity
page's."""

import datetime
import re

import pytest
from django.urls import reverse

from activities.models import Publicity, StudyPoints
from reports.summary import build_summary
from tests.factories import UserFactory
from tests.reports.test_dashboard import figure

YEAR = 2022


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def points(agency, branch, staff, recorder, secretary, leader):
    """Members shaped where the three old definitions parted ways."""
    agency.low_points_threshold = 8000
    agency.save()
    outside_party = UserFactory(agency=agency, branch=branch, is_party_member=False, real_name="党外")
    StudyPoints.objects.create(person=staff, year=YEAR, points=7999)  # low
    # Two platforms, each below, together above: not low.
    StudyPoints.objects.create(person=recorder, year=YEAR, points=5000)
    StudyPoints.objects.create(person=recorder, year=YEAR, points=4000, platform="福建干部网络学院")
    # Only another platform, below: low.
    StudyPoints.objects.create(person=leader, year=YEAR, points=300, platform="福建干部网络学院")
    StudyPoints.objects.create(person=outside_party, year=YEAR, points=100)  # low, not a Party member
    for name in ("已调离", "已退休"):  # have left: not counted
        gone = UserFactory(agency=agency, branch=branch, is_active=False, real_name=name)
        StudyPoints.objects.create(person=gone, year=YEAR, points=10)
    # secretary: nothing recorded, not low
    return 3


def test_dashboard_points_page_and_summary_count_the_same_members_under_the_threshold(
    client_for, secretary, agency, points
):
    client = client_for(secretary)
    dashboard = client.get(reverse("dashboard:index"), {"year": YEAR, "org": agency.code}).content.decode()
    points_page = client.get(reverse("records:points"), {"year": YEAR, "org": agency.code}).content.decode()
    on_page = re.search(r'id="below-count">(\d+)<', points_page).group(1)
    summary = {section.key: section.text for section in build_summary(agency=agency, year=YEAR)}
    in_summary = re.search(r"积分低于8000分的\w+有(\d+)人", summary["shortcomings"]).group(1)

    assert figure(dashboard, "low-points") == on_page == in_summary == str(points)


def test_the_summarys_placements_by_level_are_the_publicity_pages(client_for, secretary, agency):
    for level in ["provincial", "county", "county", "own"]:
        Publicity.objects.create(
            agency=agency, date=datetime.date(YEAR, 5, 1), title="t", outlet="o", level=level
        )
    page = client_for(secretary).get(reverse("records:publicity_list"), {"year": YEAR, "org": agency.code})
    shown = {str(label): n for label, n in page.context["counts"]}
    by_level = {level: shown[str(Publicity.Level(level).label)] for level in Publicity.Level.values}
    text = {section.key: section.text for section in build_summary(agency=agency, year=YEAR)}["shortcomings"]
    assert f"省级媒体上稿{by_level['provincial']}篇" in text
    assert f"县级媒体上稿{by_level['county']}篇" in text
    assert f"本单位新媒体发布{by_level['own']}篇" in text
