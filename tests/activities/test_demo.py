"""The demo records of seed_demo: the model summary's bureau in 2022 as the secretary and the dashboard
see it."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from activities.models import (
    Activity,
    Attendance,
    Kind,
    Publicity,
    RectificationItem,
    StudyPlan,
    StudyPoints,
)
from activities.selectors.norms import norm_gaps
from studyportal.accounts.models import Organization

pytestmark = pytest.mark.django_db

COUNTED = [Activity, Attendance, RectificationItem, StudyPoints, Publicity, StudyPlan]


def _facts():
    bureau = Organization.objects.get(code="gongxinju")
    year = Activity.objects.filter(organization__path__startswith=bureau.path, date__year=2022)
    approved = year.filter(status=Activity.Status.APPROVED)
    central = approved.filter(kind__in=[Kind.CENTRAL_GROUP_STUDY, Kind.CENTRAL_GROUP_SEMINAR])
    lectures = approved.filter(kind=Kind.PARTY_LECTURE).select_related("speaker")
    return {
        "central": central.count(),
        "central_quarters": {(day.month - 1) // 3 + 1 for day in central.values_list("date", flat=True)},
        "leader_lectures": [(a.date, a.speaker.real_name, a.title) for a in lectures if a.given_by_leader],
        "other_lectures": [a.speaker.real_name for a in lectures if not a.given_by_leader],
        "waiting": sorted(year.exclude(status=Activity.Status.APPROVED).values_list("status", flat=True)),
        "returned_comment": year.get(status=Activity.Status.RETURNED).review_comment,
        "unattended": approved.filter(attendances__isnull=True).count(),
        "records_2023": Activity.objects.filter(
            organization__path__startswith=bureau.path, date__year=2023
        ).count(),
        "neighbour": Activity.objects.filter(organization__code__startswith="fagaiju")
        .filter(status=Activity.Status.APPROVED, date__year=2022)
        .count(),
        "gaps": [str(gap.message) for gap in norm_gaps(organization=bureau, year=2022)],
        "open_items": list(
            RectificationItem.objects.filter(
                agency=bureau, year=2022, status__in=RectificationItem.OPEN_STATUSES
            )
            .order_by("id")
            .values_list("category", "owner__real_name", "deadline")
        ),
        "closed_items": RectificationItem.objects.filter(
            agency=bureau, status=RectificationItem.Status.CLOSED
        ).count(),
        "low_points": StudyPoints.objects.filter(person__agency=bureau, year=2022, points__lt=8000).count(),
        "levels": sorted(Publicity.objects.filter(agency=bureau).values_list("level", flat=True)),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeds twice, noting the row counts after each run; everything is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        first = {model.__name__: model.objects.count() for model in COUNTED}
        call_command("seed_demo", verbosity=0)
        second = {model.__name__: model.objects.count() for model in COUNTED}
        facts = _facts()
        transaction.set_rollback(True)
    return first, second, facts


def test_running_seed_demo_twice_adds_nothing_the_second_time(seeded):
    first, second, _facts = seeded
    assert first == second
    assert first["Activity"] > 150


def test_the_bureau_held_fourteen_central_group_sessions_in_every_quarter(seeded):
    facts = seeded[2]
    assert facts["central"] == 14
    assert facts["central_quarters"] == {1, 2, 3, 4}


def test_three_lectures_by_leaders_one_on_the_twentieth_congress_and_one_by_the_secretary(seeded):
    facts = seeded[2]
    assert len(facts["leader_lectures"]) == 3
    assert any(
        date > datetime.date(2022, 10, 22) and "二十大" in title
        for date, _n, title in facts["leader_lectures"]
    )
    assert facts["other_lectures"] == ["吴秀英"]


def test_every_approved_record_has_attendance(seeded):
    assert seeded[2]["unattended"] == 0


def test_some_records_still_wait_for_review_and_one_was_returned_with_a_comment(seeded):
    facts = seeded[2]
    assert facts["waiting"] == ["draft", "returned", "submitted", "submitted"]
    assert "请补充" in facts["returned_comment"]


def test_there_are_2023_records_and_a_year_of_the_neighbouring_agency(seeded):
    facts = seeded[2]
    assert facts["records_2023"] > 0
    assert facts["neighbour"] > 50


def test_the_norms_are_met_but_for_the_one_deliberate_gap(seeded):
    gaps = seeded[2]["gaps"]
    assert len(gaps) == 1


def test_two_items_are_still_being_rectified_into_2023_and_one_is_closed(seeded):
    facts = seeded[2]
    assert [category for category, _owner, _deadline in facts["open_items"]] == ["theory", "publicity"]
    assert all(owner and deadline.year == 2023 for _category, owner, deadline in facts["open_items"])
    assert facts["closed_items"] == 1


def test_a_few_members_are_under_the_points_threshold_and_placements_are_mostly_local(seeded):
    facts = seeded[2]
    assert facts["low_points"] == 3
    levels = facts["levels"]
    assert levels.count("provincial") <= 1
    assert 1 <= levels.count("municipal") <= 2
    assert levels.count("county") + levels.count("own") > len(levels) // 2
