"""Moving organizations and people (组织关系转接): paths of the whole subtree, scopes and count rows
stay exact (`organization_move`, `person_move`)."""

import io

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from activities.models import ActivityMonthStat, PersonYearStat
from activities.selectors.activity import activities_visible_to
from activities.stats import stats_rebuild
from studyportal.accounts.models import Organization, Role, RoleAssignment
from studyportal.accounts.scoping import has_role
from studyportal.accounts.services import OrganizationError, organization_move, person_move
from tests.factories import ActivityFactory, AttendanceFactory, OrganizationFactory, UserFactory


def _verify():
    out = io.StringIO()
    call_command("stats_rebuild", verify=True, stdout=out)  # raises CommandError on a difference
    return out.getvalue()


def _present_under(organization) -> int:
    total = ActivityMonthStat.objects.filter(organization__path__startswith=organization.path).aggregate(
        n=Sum("present")
    )["n"]
    return total or 0


@pytest.fixture
def branch_year(branch, staff, recorder):
    """An approved record of the branch with two people present, counted."""
    activity = ActivityFactory(organization=branch, recorded_by=recorder, title="支部学习")
    AttendanceFactory(activity=activity, person=staff)
    AttendanceFactory(activity=activity, person=recorder)
    stats_rebuild()
    return activity


def test_moving_a_branch_to_another_agency_moves_its_subtree_scope_people_and_counts(
    branch, agency, other_agency, branch_year, staff, secretary, outsider, committee_admin
):
    member = UserFactory(agency=agency, branch=branch, real_name="支部成员")
    assert _present_under(agency) == 2 and _present_under(other_agency) == 0
    organization_move(organization=branch, parent=other_agency)
    branch.refresh_from_db()
    assert branch.path == f"{other_agency.path}{branch.pk}/"
    member.refresh_from_db()
    assert member.agency == other_agency  # a branch's members belong to its agency
    # Every scope sees the branch's records where the branch now is.
    assert branch_year in activities_visible_to(outsider)
    assert branch_year not in activities_visible_to(secretary)
    assert branch_year in activities_visible_to(committee_admin)
    assert has_role(outsider, branch, Role.SECRETARY) and not has_role(secretary, branch, Role.SECRETARY)
    # The count rows follow: the new agency's sums include the branch, the old one's no longer do.
    assert _present_under(other_agency) == 2 and _present_under(agency) == 0
    assert "一致" in _verify()


def test_moving_an_agency_between_committees_moves_every_path_below_it(
    agency, branch, committee, committee_admin, branch_year
):
    second = OrganizationFactory(code="second", name="第二工委", kind=Organization.Kind.COMMITTEE)
    second_admin = UserFactory(agency=second, real_name="第二工委管理员")
    RoleAssignment.objects.create(user=second_admin, organization=second, role=Role.ADMIN)
    organization_move(organization=agency, parent=second)
    agency.refresh_from_db()
    branch.refresh_from_db()
    assert agency.path == f"{second.path}{agency.pk}/"
    assert branch.path == f"{agency.path}{branch.pk}/"
    assert branch_year in activities_visible_to(second_admin)
    assert branch_year not in activities_visible_to(committee_admin)
    assert _present_under(second) == 2 and _present_under(committee) == 0
    assert "一致" in _verify()


@pytest.mark.parametrize(
    ("moved", "target"),
    [("branch", "committee"), ("agency", "branch"), ("agency", "agency"), ("committee", "branch")],
)
def test_a_move_that_breaks_the_tree_is_refused(request, moved, target, branch):
    organization, parent = request.getfixturevalue(moved), request.getfixturevalue(target)
    before = {org.pk: org.path for org in Organization.objects.all()}
    with pytest.raises(OrganizationError):
        organization_move(organization=organization, parent=parent)
    assert {org.pk: org.path for org in Organization.objects.all()} == before


def test_a_branch_cannot_move_where_a_member_s_name_is_taken(branch, agency, other_agency, outsider):
    UserFactory(agency=agency, branch=branch, real_name=outsider.real_name)
    with pytest.raises(OrganizationError, match=outsider.real_name):
        organization_move(organization=branch, parent=other_agency)


# --- people -----------------------------------------------------------------------------------------


def test_a_member_moves_to_another_branch_and_past_attendance_stays_where_it_happened(
    agency, branch, staff, secretary, branch_year
):
    second = OrganizationFactory(code="b2", name="第二党支部", kind=Organization.Kind.BRANCH, parent=agency)
    RoleAssignment.objects.create(user=staff, organization=branch, role=Role.RECORDER)
    person_move(person=staff, branch=second, by=secretary)
    staff.refresh_from_db()
    assert staff.branch == second and staff.agency == agency
    # The old branch's role ended with the move; the agency's stays.
    assert not RoleAssignment.objects.filter(user=staff, organization=branch).exists()
    assert RoleAssignment.objects.filter(user=staff, organization=agency, role=Role.STAFF).exists()
    # Past attendance is still counted for the branch where it happened, and the record still names them.
    assert PersonYearStat.objects.get(person=staff).organization == branch
    assert branch_year.attendances.filter(person=staff, status="present").exists()
    assert "一致" in _verify()


def test_a_member_who_changes_branch_takes_their_agency_attendance_with_them(
    agency, branch, staff, secretary, recorder
):
    """The branch norms count an agency's own activity for each branch whose members came
    (the `joined` counter): after a move that is the new branch, and the counts stay exact."""
    second = OrganizationFactory(code="b2", name="第二党支部", kind=Organization.Kind.BRANCH, parent=agency)
    joint = ActivityFactory(organization=agency, recorded_by=recorder, title="全体党员主题党日")
    AttendanceFactory(activity=joint, person=staff)

    def joined(org):
        return ActivityMonthStat.objects.filter(organization=org).aggregate(n=Sum("joined"))["n"] or 0

    assert (joined(branch), joined(second)) == (1, 0)
    person_move(person=staff, branch=second, by=secretary)
    assert (joined(branch), joined(second)) == (0, 1)
    assert "一致" in _verify()


def test_the_committee_moves_a_member_to_another_agency(
    agency, branch, other_agency, other_branch, staff, committee_admin, branch_year
):
    person_move(person=staff, branch=other_branch, by=committee_admin)
    staff.refresh_from_db()
    assert (staff.agency, staff.branch) == (other_agency, other_branch)
    assert list(RoleAssignment.objects.filter(user=staff).values_list("organization", "role")) == [
        (other_agency.pk, Role.STAFF)
    ]
    assert PersonYearStat.objects.get(person=staff).organization == branch
    assert "一致" in _verify()


@pytest.mark.parametrize("mover", ["staff", "recorder", "secretary", "outsider"])
def test_only_who_covers_both_places_may_move_a_member_between_agencies(
    request, mover, staff, other_branch, branch
):
    with pytest.raises(PermissionDenied):
        person_move(person=staff, branch=other_branch, by=request.getfixturevalue(mover))
    staff.refresh_from_db()
    assert staff.branch == branch


def test_a_member_cannot_join_a_name_already_taken_in_the_new_agency(staff, other_branch, committee_admin):
    UserFactory(agency=other_branch.parent, real_name=staff.real_name)
    with pytest.raises(OrganizationError):
        person_move(person=staff, branch=other_branch, by=committee_admin)


# --- the Django admin ---------------------------------------------------------------------------------


def test_changing_the_parent_in_the_admin_moves_the_whole_subtree(
    client, agency, branch, committee, branch_year
):
    admin_user = UserFactory(agency=committee, real_name="超级管理员", is_staff=True, is_superuser=True)
    second = OrganizationFactory(code="second", name="第二工委", kind=Organization.Kind.COMMITTEE)
    client.force_login(admin_user)
    url = reverse("admin:accounts_organization_change", args=[agency.pk])
    response = client.post(
        url, {"code": agency.code, "name": agency.name, "parent": second.pk, "is_active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    branch.refresh_from_db()
    assert branch.path == f"{second.path}{agency.pk}/{branch.pk}/"
    assert site._registry[Organization].get_readonly_fields(None, agency) == ["kind"]
    refused = client.post(
        reverse("admin:accounts_organization_change", args=[branch.pk]),
        {"code": branch.code, "name": branch.name, "parent": second.pk, "is_active": "on"},
    )
    assert refused.status_code == 200 and "党支部不能设在" in refused.content.decode()
