"""studyportal/bulk.py: rows inserted from plain values read back as they were given, with their ids
in the order of the rows (PostgreSQL by COPY, SQLite by INSERT … RETURNING)."""

import datetime
import decimal

import pytest
from django.utils import timezone

from activities.models import Activity, Attendance, Kind, StudyMaterial
from studyportal.bulk import insert_objects, insert_rows
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def test_text_with_tabs_line_breaks_and_backslashes_reads_back_as_written():
    titles = ["甲\t乙", "第一行\n第二行\r\n", "C:\\台账\\2022", "\\N", "《党章》"]
    keys = insert_rows(StudyMaterial, ["title"], [[title] for title in titles])
    assert [StudyMaterial.objects.get(pk=key).title for key in keys] == titles


def test_the_ids_come_back_in_the_order_of_the_rows(agency, staff, recorder, secretary):
    activity = ActivityFactory(organization=agency)
    people = [secretary, staff, recorder]
    statuses = [Attendance.Status.ABSENT, Attendance.Status.PRESENT, Attendance.Status.LEAVE]
    keys = insert_rows(
        Attendance,
        ["activity_id", "person_id", "status"],
        [[activity.pk, person.pk, str(status)] for person, status in zip(people, statuses, strict=True)],
    )
    rows = {row.pk: row for row in Attendance.objects.filter(activity=activity)}
    assert [(rows[key].person, rows[key].status, rows[key].signed_in_at) for key in keys] == [
        (person, status, None) for person, status in zip(people, statuses, strict=True)
    ]


def test_instances_get_their_ids_and_dates_times_and_decimals_are_stored_exactly(agency, recorder):
    moment = timezone.now().replace(microsecond=123456)
    activities = [
        Activity(
            organization=agency,
            kind=Kind.WEEKLY_STUDY,
            date=datetime.date(2022, 3, day),
            title=f"第{day}次",
            # A column of one type with empty values among them (hours) goes by the quick path.
            hours=decimal.Decimal("1.5") * day if day < 3 else None,
            recorded_by=recorder,
            submitted_at=moment,
            imported=bool(day % 2),
        )
        for day in (1, 2, 3)
    ]
    insert_objects(Activity, activities)
    for activity in activities:
        stored = Activity.objects.get(pk=activity.pk)
        assert (stored.date, stored.hours, stored.submitted_at, stored.imported, stored.reviewed_at) == (
            activity.date,
            activity.hours,
            moment,
            activity.imported,
            None,
        )
        # auto_now_add and auto_now: one time for the rows written together, as the instance holds it
        assert stored.created_at == activity.created_at is not None
