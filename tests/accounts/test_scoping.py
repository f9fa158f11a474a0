import pytest

from studyportal.accounts.models import Role
from studyportal.accounts.scoping import has_role, orgs_visible_to, scope_q
from tests.factories import ActivityFactory, RoleAssignmentFactory, UserFactory


def test_a_role_on_an_agency_covers_its_branches_and_nothing_else(
    staff, agency, branch, other_agency, other_branch
):
    assert set(orgs_visible_to(staff)) == {agency, branch}


def test_a_role_on_the_committee_covers_every_agency(
    committee_admin, committee, agency, branch, other_agency
):
    assert {committee, agency, branch, other_agency} <= set(orgs_visible_to(committee_admin))


def test_a_role_on_a_branch_does_not_reach_up_to_the_agency(agency, branch):
    user = UserFactory(agency=agency, branch=branch)
    RoleAssignmentFactory(user=user, organization=branch, role=Role.SECRETARY)
    assert set(orgs_visible_to(user)) == {branch}
    assert has_role(user, branch, Role.SECRETARY)
    assert not has_role(user, agency, Role.STAFF)


def test_higher_roles_include_lower_ones_but_not_the_reverse(staff, secretary, agency, branch):
    assert has_role(secretary, branch, Role.RECORDER)
    assert has_role(secretary, branch, Role.STAFF)
    assert not has_role(staff, branch, Role.RECORDER)
    assert not has_role(staff, agency, Role.SECRETARY)
    assert list(orgs_visible_to(staff, Role.SECRETARY)) == []


def test_the_neighbouring_agency_sees_nothing_of_ours(outsider, agency, branch, staff):
    mine = ActivityFactory(organization=branch, recorded_by=staff)
    from activities.models import Activity

    assert not Activity.objects.filter(scope_q(outsider)).filter(pk=mine.pk).exists()
    assert Activity.objects.filter(scope_q(staff)).filter(pk=mine.pk).exists()
    assert agency not in set(orgs_visible_to(outsider))


def test_a_person_without_a_role_sees_nothing(agency):
    assert list(orgs_visible_to(UserFactory(agency=agency))) == []


def test_a_deactivated_person_sees_nothing(staff):
    staff.is_active = False
    assert list(orgs_visible_to(staff)) == []


@pytest.mark.django_db
def test_roles_are_read_once_per_request_user(staff, django_assert_num_queries):
    orgs_visible_to(staff).count()
    with django_assert_num_queries(1):  # the organizations query; roles are cached on the user
        list(orgs_visible_to(staff))
