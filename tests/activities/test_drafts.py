"""Who sees a draft (issue 14): the person who recorded it, the recorders and the secretary of its
agency; other staff only once it is submitted."""

import pytest
from django.urls import reverse

from activities.models import Activity
from activities.selectors.activity import activities_visible_to, activity_list_rows
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(branch, recorder, staff):
    return {
        "recorders": ActivityFactory(organization=branch, recorded_by=recorder, status=Activity.Status.DRAFT),
        "staffs": ActivityFactory(organization=branch, recorded_by=staff, status=Activity.Status.DRAFT),
        "submitted": ActivityFactory(
            organization=branch, recorded_by=recorder, status=Activity.Status.SUBMITTED
        ),
    }


def _seen(user):
    listed = set(activities_visible_to(user).values_list("pk", flat=True))
    assert listed == set(activity_list_rows(user).values_list("pk", flat=True)), "both list selectors agree"
    return listed


def test_staff_see_their_own_draft_and_submitted_records_but_not_anothers_draft(staff, drafts):
    assert _seen(staff) == {drafts["staffs"].pk, drafts["submitted"].pk}


@pytest.mark.parametrize("person", ["recorder", "secretary", "admin_user"])
def test_recorders_and_the_secretary_see_every_draft_of_their_agency(request, person, drafts):
    assert _seen(request.getfixturevalue(person)) == {draft.pk for draft in drafts.values()}


def test_the_ledger_page_does_not_show_staff_anothers_draft(client_for, staff, drafts):
    page = client_for(staff).get(reverse("activities:list")).content.decode()
    assert drafts["staffs"].title in page
    assert drafts["recorders"].title not in page
    assert (
        client_for(staff).get(reverse("activities:detail", args=[drafts["recorders"].pk])).status_code == 404
    )


def test_a_recorder_of_another_agency_sees_none_of_our_drafts(other_agency, other_branch, drafts):
    from studyportal.accounts.models import Role

    stranger = UserFactory(agency=other_agency, branch=other_branch, role=Role.RECORDER)
    assert _seen(stranger) == set()
