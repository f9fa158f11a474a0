"""Calendar, list and "my record" stay a fixed number of queries however many records there are."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Attachment, Kind
from tests.factories import ActivityFactory, AttendanceFactory


def _records(agency, staff, leader, count, start=0):
    for n in range(start, start + count):
        activity = ActivityFactory(
            organization=agency,
            recorded_by=staff,
            speaker=leader,
            kind=list(Kind)[n % len(Kind)],
            date=datetime.date(2022, 3, 1 + n % 28),
            hours=1,
        )
        AttendanceFactory(activity=activity, person=staff)
        AttendanceFactory(activity=activity, person=leader)
        activity.materials.create(title=f"书目{n}")
        Attachment.objects.create(
            activity=activity,
            kind="photo",
            file="x.png",
            original_name="x.png",
            content_type="image/png",
            size=1,
            uploaded_by=staff,
        )


PAGES = [
    # session, user, role assignments, count, page rows (with organization, speaker, completeness),
    # filter form's organizations, the navigation's own agency
    ("activities:list", {}, 7),
    # session, user, role assignments, the month's activities, the navigation's own agency
    ("activities:calendar", {"year": 2022, "month": 3}, 5),
    # session, user, years with records, attendance rows with their activity, their materials,
    # role assignments and own agency for the navigation, the year's study points (the points include)
    ("activities:my_record", {"year": 2022}, 8),
]


@pytest.mark.parametrize(("page", "params", "queries"), PAGES, ids=[p[0] for p in PAGES])
def test_the_number_of_queries_does_not_grow_with_the_records(
    client_for, django_assert_num_queries, staff, leader, agency, page, params, queries
):
    client = client_for(staff)
    _records(agency, staff, leader, 3)
    with django_assert_num_queries(queries):
        few = client.get(reverse(page), params)
    _records(agency, staff, leader, 30, start=3)
    with django_assert_num_queries(queries):
        many = client.get(reverse(page), params)
    assert few.status_code == many.status_code == 200
    assert many.content.count(b"/activities/") > few.content.count(b"/activities/")


def test_the_calendar_moves_between_months_and_refuses_nonsense(client_for, staff, agency):
    ActivityFactory(
        organization=agency, recorded_by=staff, date=datetime.date(2022, 12, 31), title="年末学习"
    )
    client = client_for(staff)
    html = client.get(reverse("activities:calendar"), {"year": 2022, "month": 12}).content.decode()
    assert "年末学习" in html
    assert "?year=2023&amp;month=1" in html and "?year=2022&amp;month=11" in html
    # One parser for every number in a query (studyportal.params): nonsense is a bad request, not a 500.
    assert client.get(reverse("activities:calendar"), {"year": "x", "month": 13}).status_code == 400


def test_the_calendar_on_a_phone_lists_days_with_activities(client_for, staff, agency):
    ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 3, 8), title="三八学习")
    html = client_for(staff).get(reverse("activities:calendar"), {"year": 2022, "month": 3}).content.decode()
    phone_list = html.split('class="list-group calendar-list"')[1]
    assert "03-08" in phone_list and "三八学习" in phone_list
