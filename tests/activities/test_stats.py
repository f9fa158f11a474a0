import datetime

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity, ActivityMonthStat, Attendance, Kind
from activities.stats import stats_add, stats_rebuild, stats_remove, stats_verify
from tests.factories import ActivityFactory, AttendanceFactory, UserFactory


@pytest.fixture
def lecture(branch, leader, staff, secretary):
    activity = ActivityFactory(
        organization=branch,
        kind=Kind.PARTY_LECTURE,
        date=datetime.date(2022, 5, 10),
        speaker=leader,
        given_by_leader=True,
        hours=2,
        outside_headcount=3,
        recorded_by=staff,
    )
    AttendanceFactory(activity=activity, person=staff)
    AttendanceFactory(activity=activity, person=secretary, status=Attendance.Status.LEAVE)
    return activity


def month_row(branch):
    return ActivityMonthStat.objects.get(organization=branch, year=2022, month=5, kind=Kind.PARTY_LECTURE)


def test_adding_an_approved_record_counts_it_with_its_attendance(lecture, branch):
    stats_add(lecture.pk)
    row = month_row(branch)
    assert (row.activities, row.leader_lectures, row.present, row.on_leave, row.absent) == (1, 1, 1, 1, 0)
    assert row.outside_headcount == 3 and row.hours == 2
    assert stats_verify() == []


def test_a_change_is_removed_under_its_old_values_and_added_under_the_new(lecture, branch):
    stats_add(lecture.pk)
    stats_remove(lecture.pk)
    Activity.objects.filter(pk=lecture.pk).update(date=datetime.date(2022, 7, 1))
    stats_add(lecture.pk)
    assert month_row(branch).activities == 0
    assert ActivityMonthStat.objects.get(organization=branch, year=2022, month=7).activities == 1
    assert stats_verify() == []


def test_records_that_are_not_approved_are_not_counted(branch, staff):
    for status in (Activity.Status.DRAFT, Activity.Status.SUBMITTED, Activity.Status.RETURNED):
        draft = ActivityFactory(organization=branch, status=status, recorded_by=staff)
        stats_add(draft.pk)
    assert not ActivityMonthStat.objects.filter(activities__gt=0).exists()


def test_rebuild_agrees_with_adding_one_by_one(lecture, branch, agency, staff):
    others = [
        ActivityFactory(
            organization=agency, kind=Kind.HOUSEHOLD_VISIT, households_reached=4, recorded_by=staff
        )
    ]
    for activity in [lecture, *others]:
        stats_add(activity.pk)
    one_by_one = sorted(
        ActivityMonthStat.objects.values_list("organization", "month", "kind", "activities", "households")
    )
    assert stats_rebuild() == 2
    assert (
        sorted(
            ActivityMonthStat.objects.values_list("organization", "month", "kind", "activities", "households")
        )
        == one_by_one
    )


def test_verify_names_a_count_that_went_stale(lecture, branch):
    stats_rebuild()
    Attendance.objects.create(activity=lecture, person=UserFactory(agency=branch.parent))
    differences = stats_verify()
    assert len(differences) == 1 and "present" in differences[0]
    with pytest.raises(CommandError):
        call_command("stats_rebuild", "--verify")
    call_command("stats_rebuild")
    call_command("stats_rebuild", "--verify")


def test_rebuild_of_one_organization_and_year_leaves_the_rest(lecture, branch, other_branch, outsider):
    theirs = ActivityFactory(organization=other_branch, recorded_by=outsider, date=datetime.date(2022, 5, 1))
    stats_rebuild()
    ActivityMonthStat.objects.filter(organization=other_branch).update(activities=99)
    stats_rebuild(organization=branch, year=2022)
    assert ActivityMonthStat.objects.get(organization=other_branch, kind=theirs.kind).activities == 99
