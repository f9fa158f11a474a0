"""The people and organization pages: the administrator and each secretary within their scope."""

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from studyportal.accounts.models import Organization, Role, RoleAssignment, User
from tests.factories import ActivityFactory, AttendanceFactory, OrganizationFactory


def test_the_secretary_adds_a_person_who_gets_an_initial_password_once(client_for, secretary, agency, branch):
    client = client_for(secretary)
    response = client.post(
        reverse("people:new") + "?org=agency",
        {"real_name": "新同事", "username": "xintongshi", "position": "科员", "branch": branch.pk},
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.content.decode().split('id="initial-password">')[1].split("<")[0]
    person = User.objects.get(username="xintongshi")
    assert (person.agency, person.branch, person.must_change_password) == (agency, branch, True)
    assert authenticate(username="xintongshi", password=password) == person
    assert RoleAssignment.objects.filter(user=person, organization=agency, role=Role.STAFF).exists()
    # Listed afterwards, without the password.
    listing = client.get(reverse("people:list")).content.decode()
    assert "新同事" in listing and password not in listing


def test_a_name_already_in_the_agency_is_refused_in_chinese(client_for, secretary, staff):
    response = client_for(secretary).post(
        reverse("people:new"), {"real_name": staff.real_name, "username": "another"}
    )
    assert response.status_code == 200 and "已有同名人员" in response.content.decode()
    assert not User.objects.filter(username="another").exists()


def test_the_secretary_edits_and_deactivates_a_person(client_for, secretary, staff):
    client = client_for(secretary)
    client.post(reverse("people:edit", args=[staff.pk]), {"real_name": "张三丰", "position": "副科长"})
    staff.refresh_from_db()
    assert (staff.real_name, staff.position) == ("张三丰", "副科长")
    client.post(reverse("people:active", args=[staff.pk]), {"active": "0"})
    staff.refresh_from_db()
    assert not staff.is_active
    assert client.post(reverse("people:active", args=[secretary.pk]), {"active": "0"}).status_code == 302
    secretary.refresh_from_db()
    assert secretary.is_active  # nobody deactivates themselves


def test_the_committee_moves_a_member_to_another_agency_from_the_page(
    client_for, committee_admin, staff, other_branch
):
    response = client_for(committee_admin).post(
        reverse("people:move", args=[staff.pk]), {"branch": other_branch.pk}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.branch == other_branch and staff.agency == other_branch.parent


def test_a_secretary_can_only_move_within_their_agency(client_for, secretary, staff, agency, other_branch):
    second = OrganizationFactory(code="b2", name="第二支部", kind=Organization.Kind.BRANCH, parent=agency)
    page = client_for(secretary).get(reverse("people:move", args=[staff.pk])).content.decode()
    assert second.name in page and other_branch.name not in page
    refused = client_for(secretary).post(reverse("people:move", args=[staff.pk]), {"branch": other_branch.pk})
    assert refused.status_code == 200
    staff.refresh_from_db()
    assert staff.branch.code == "branch"


def test_the_secretary_creates_a_branch_names_its_secretary_and_recorders_renames_and_closes_it(
    client_for, secretary, agency, staff, recorder
):
    client = client_for(secretary)
    response = client.post(reverse("people:branch_new") + "?org=agency", {"name": "第二党支部"})
    branch = Organization.objects.get(name="第二党支部")
    assert response["Location"] == reverse("people:branch", args=[branch.pk]) and branch.parent == agency
    client.post(
        reverse("people:branch_roles", args=[branch.pk]), {"secretary": staff.pk, "recorders": [recorder.pk]}
    )
    assert set(RoleAssignment.objects.filter(organization=branch).values_list("user_id", "role")) == {
        (staff.pk, Role.SECRETARY),
        (recorder.pk, Role.RECORDER),
    }
    client.post(reverse("people:branch_roles", args=[branch.pk]), {"secretary": recorder.pk})
    assert set(RoleAssignment.objects.filter(organization=branch).values_list("user_id", "role")) == {
        (recorder.pk, Role.SECRETARY)
    }
    client.post(reverse("people:branch_rename", args=[branch.pk]), {"name": "第三党支部"})
    branch.refresh_from_db()
    assert branch.name == "第三党支部"
    client.post(reverse("people:branch_close", args=[branch.pk]))
    branch.refresh_from_db()
    assert not branch.is_active


def test_the_secretary_puts_members_in_party_groups_renames_and_dissolves_one(
    client_for, secretary, staff, recorder, branch, agency
):
    client = client_for(secretary)
    for person in (staff, recorder):
        response = client.post(
            reverse("people:edit", args=[person.pk]),
            {"real_name": person.real_name, "position": "", "party_group": "第一党小组"},
        )
        assert response.status_code == 302
    page = client.get(reverse("people:branch", args=[branch.pk])).content.decode()
    assert "第一党小组" in page and "2 名成员" in page
    url = reverse("people:party_group_rename", args=[branch.pk])
    client.post(url, {"old": "第一党小组", "new": "机关第一党小组"})
    assert set(User.objects.filter(branch=branch).values_list("party_group", flat=True)) >= {"机关第一党小组"}
    # A member who moves to another branch leaves the group behind.
    second = OrganizationFactory(code="b2", name="第二党支部", kind=Organization.Kind.BRANCH, parent=agency)
    client.post(reverse("people:move", args=[staff.pk]), {"branch": second.pk})
    staff.refresh_from_db()
    assert (staff.branch, staff.party_group) == (second, "")
    client.post(url, {"old": "机关第一党小组", "new": ""})
    assert not User.objects.filter(branch=branch).exclude(party_group="").exists()
    assert "暂无党小组" in client.get(reverse("people:branch", args=[branch.pk])).content.decode()


def test_a_person_without_a_branch_cannot_join_a_party_group(client_for, secretary, agency):
    response = client_for(secretary).post(
        reverse("people:new") + "?org=agency",
        {"real_name": "新同事", "username": "xin", "party_group": "一组"},
    )
    assert response.status_code == 200 and "党小组" in response.content.decode()
    assert not User.objects.filter(username="xin").exists()


def test_a_branch_with_members_is_not_closed(client_for, secretary, branch, staff):
    client_for(secretary).post(reverse("people:branch_close", args=[branch.pk]))
    branch.refresh_from_db()
    assert branch.is_active


def test_the_committee_moves_a_branch_to_another_agency_from_the_page(
    client_for, committee_admin, branch, other_agency, staff
):
    client_for(committee_admin).post(
        reverse("people:branch_move", args=[branch.pk]), {"parent": other_agency.pk}
    )
    branch.refresh_from_db()
    staff.refresh_from_db()
    assert branch.parent == other_agency and branch.path.startswith(other_agency.path)
    assert staff.agency == other_agency


def test_a_person_s_year_is_shown_to_their_secretary(client_for, secretary, staff, agency, recorder):
    activity = ActivityFactory(organization=agency, recorded_by=recorder, title="集中学习党章")
    AttendanceFactory(activity=activity, person=staff)
    page = (
        client_for(secretary).get(reverse("person_record", args=[staff.pk]) + "?year=2022").content.decode()
    )
    assert "集中学习党章" in page and staff.real_name in page


PERSON_URLS = ["person_record", "people:edit", "people:move"]


@pytest.mark.parametrize("name", PERSON_URLS)
def test_another_agency_s_person_is_a_404_and_staff_get_403(
    client, client_for, name, staff, outsider, secretary
):
    url = reverse(name, args=[secretary.pk])
    assert client.get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 403


@pytest.mark.parametrize("name", ["people:active", "people:password", "people:branch_close"])
def test_writes_are_post_only(client_for, committee_admin, name, staff, branch):
    pk = branch.pk if name.startswith("people:branch") else staff.pk
    assert client_for(committee_admin).get(reverse(name, args=[pk])).status_code == 405


def test_the_list_is_for_secretaries_and_scoped(client_for, staff, outsider, secretary):
    assert client_for(staff).get(reverse("people:list")).status_code == 403
    assert client_for(outsider).get(reverse("people:list") + "?org=agency").status_code == 404
    page = client_for(secretary).get(reverse("people:list")).content.decode()
    assert secretary.real_name in page and outsider.real_name not in page
