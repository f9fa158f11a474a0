"""The record form's defaults (defect 6 of issue 14): the central group's sessions start as the
agency's, and a time span gives the study hours."""

import datetime
import re
from decimal import Decimal

import pytest

from activities.models import Activity, Kind
from activities.services.activity import hours_between
from tests.activities.test_views import form_data, new_url

pytestmark = pytest.mark.django_db


def _selected_organization(page: str) -> str:
    select = re.search(r'<select name="organization".*?</select>', page, re.S).group(0)
    return re.search(r'<option value="(\d+)"[^>]*selected', select).group(1)


def test_a_central_group_session_starts_as_the_agencys(client_for, recorder, agency, branch):
    page = client_for(recorder).get(new_url(Kind.CENTRAL_GROUP_STUDY, agency)).content.decode()
    assert _selected_organization(page) == str(agency.pk)


def test_a_branch_meeting_starts_as_the_branchs(client_for, recorder, agency, branch):
    page = client_for(recorder).get(new_url(Kind.BRANCH_ASSEMBLY, agency)).content.decode()
    assert _selected_organization(page) == str(branch.pk)


def test_the_time_span_gives_the_hours_when_none_are_written(client_for, recorder, agency):
    data = form_data(Kind.WEEKLY_STUDY, agency, start_time="09:00", end_time="11:30", hours="")
    client_for(recorder).post(new_url(Kind.WEEKLY_STUDY, agency), data)
    assert Activity.objects.get().hours == Decimal("2.5")


def test_hours_written_by_the_recorder_are_kept(client_for, recorder, agency):
    data = form_data(Kind.WEEKLY_STUDY, agency, start_time="09:00", end_time="11:30", hours="2")
    client_for(recorder).post(new_url(Kind.WEEKLY_STUDY, agency), data)
    assert Activity.objects.get().hours == Decimal("2")


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [("09:00", "11:30", "2.5"), ("14:30", "15:10", "0.7"), ("08:00", "08:00", "0.0")],
)
def test_hours_between(start, end, hours):
    assert hours_between(datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)) == Decimal(
        hours
    )
