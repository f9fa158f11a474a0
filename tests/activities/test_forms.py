"""The activity form on its own: fields per kind, the leader switch, the attendee picker."""

import datetime

import pytest

from activities.forms.activity import ActivityForm, fields_of_kind
from activities.models import LECTURE_KINDS, PRACTICE_KINDS, Kind
from activities.services import activity as services
from studyportal.accounts.models import Organization, User
from tests.factories import UserFactory


def make_form(agency, kind, data=None, **kwargs):
    return ActivityForm(
        data,
        kind=kind,
        organizations=Organization.objects.filter(path__startswith=agency.path),
        people=User.objects.filter(agency=agency).select_related("branch"),
        **kwargs,
    )


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_has_its_own_fields(kind):
    fields = set(fields_of_kind(kind))
    assert ("given_by_leader" in fields) == (kind in LECTURE_KINDS)
    assert ("oath_renewed" in fields) == (kind == Kind.FIELD_VISIT)
    assert ("households_reached" in fields) == (kind in PRACTICE_KINDS)
    assert {"date", "title", "location", "hours", "notes", "speaker"} <= fields


def _data(agency, **extra):
    return {
        "organization": agency.pk,
        "date": "2022-06-01",
        "title": "党课",
        "outside_headcount": "0",
        **extra,
    }


@pytest.mark.parametrize(("choice", "expected"), [("", None), ("1", True), ("0", False)])
def test_given_by_leader_can_be_left_to_the_speaker(agency, leader, choice, expected):
    form = make_form(
        agency,
        Kind.PARTY_LECTURE,
        _data(agency, speaker=leader.pk, given_by_leader=choice, file_kind="photo"),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["given_by_leader"] is expected


def test_a_lecture_may_name_an_outside_speaker_instead(agency):
    form = make_form(
        agency, Kind.GUEST_LECTURE, _data(agency, speaker_name="市委党校教授", file_kind="photo")
    )
    assert form.is_valid(), form.errors


def test_the_picker_groups_people_by_branch_and_remembers_choices(agency, branch, staff, leader):
    loner = UserFactory(agency=agency, branch=None, real_name="无支部")
    form = make_form(
        agency, Kind.WEEKLY_STUDY, _data(agency, **{f"att_{staff.pk}": "leave"}, file_kind="photo")
    )
    rows = dict(form.attendance_rows())
    assert {person.real_name: status for person, status in rows[branch.name]}["张三"] == "leave"
    assert [person for person, _ in rows[""]] == [loner]


def test_editing_starts_from_the_saved_attendance_and_materials(agency, staff):
    activity = services.activity_create(
        by=staff,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 6, 1),
        title="学习",
        attendance={staff: "absent"},
        materials=["甲", "乙"],
    )
    form = make_form(agency, Kind.WEEKLY_STUDY, instance=activity)
    assert set(form.initial["materials_text"].split("\n")) == {"甲", "乙"}
    statuses = {person.pk: status for _, people in form.attendance_rows() for person, status in people}
    assert statuses[staff.pk] == "absent"


def test_an_unknown_attendance_value_is_ignored_not_saved(agency, staff):
    form = make_form(
        agency, Kind.WEEKLY_STUDY, _data(agency, **{f"att_{staff.pk}": "maybe"}, file_kind="photo")
    )
    assert form.is_valid()
    assert form.cleaned_attendance == {}
