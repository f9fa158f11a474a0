"""The activity list's filter form: a person by name or by id, the organization menu at every scale,
and the form's markup (Bootstrap's, as crispy-forms wrote it)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Attendance, Kind
from activities.templatetags.activity_tags import status_badge
from studyportal.accounts.models import Organization, Role
from studyportal.choices import choice_label as display
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
)


def listed(client, **params):
    html = client.get(reverse("activities:list"), params).content.decode()
    return set(re.findall(r'class="fw-semibold activity-title" href="/activities/\d+/">([^<]+)<', html))


def person_field(client, **params):
    html = client.get(reverse("activities:list"), params).content.decode()
    return re.search(r'<input type="text" name="person"[^>]*>', html).group(0)


@pytest.fixture
def attended(agency, branch, staff, leader):
    lecture = ActivityFactory(
        organization=agency, recorded_by=staff, kind=Kind.PARTY_LECTURE, title="专题党课"
    )
    AttendanceFactory(activity=lecture, person=leader)
    study = ActivityFactory(organization=branch, recorded_by=staff, title="支部学习")
    AttendanceFactory(activity=study, person=staff)
    AttendanceFactory(activity=study, person=leader)
    ActivityFactory(organization=agency, recorded_by=staff, title="无人参加")
    return lecture, study


def test_the_person_filter_takes_a_name_or_part_of_one(client_for, secretary, attended):
    client = client_for(secretary)
    assert listed(client, person="赵局长") == {"专题党课", "支部学习"}
    assert listed(client, person="张") == {"支部学习"}
    assert listed(client, person="局长") == {"专题党课", "支部学习"}
    assert listed(client, person="无此人") == set()


def test_an_activity_two_matching_people_attended_is_listed_once(
    client_for, committee_admin, other_agency, attended
):
    namesake = UserFactory(agency=other_agency, real_name="赵局长")
    AttendanceFactory(activity=attended[1], person=namesake)
    response = client_for(committee_admin).get(reverse("activities:list"), {"person": "赵局长"})
    assert response.context["page"].paginator.count == 2
    assert response.content.decode().count(">支部学习<") == 1


def test_a_link_with_a_persons_id_filters_by_that_person_and_shows_the_name(
    client_for, secretary, leader, staff, attended
):
    client = client_for(secretary)
    assert listed(client, person=leader.pk) == {"专题党课", "支部学习"}
    assert listed(client, person=staff.pk) == {"支部学习"}
    assert 'value="赵局长"' in person_field(client, person=leader.pk)


def test_a_person_of_another_agency_is_neither_named_nor_matched(client_for, secretary, outsider, attended):
    client = client_for(secretary)
    lecture = attended[0]
    AttendanceFactory(activity=lecture, person=outsider)
    assert listed(client, person=outsider.pk) == set()
    assert "外单位书记" not in person_field(client, person=outsider.pk)
    assert listed(client, person="外单位书记") == set()


def test_the_committee_filters_by_person_without_a_menu_of_everyone(client_for, committee_admin, attended):
    client = client_for(committee_admin)
    html = client.get(reverse("activities:list")).content.decode()
    assert '<input type="text" name="person"' in html and '<select name="person"' not in html
    assert listed(client, person="赵局长") == {"专题党课", "支部学习"}


def test_an_agency_sees_its_branches_in_the_organization_menu(client_for, secretary, agency, branch):
    html = client_for(secretary).get(reverse("activities:list")).content.decode()
    menu = re.search(r'<select name="organization".*?</select>', html, re.S).group(0)
    assert f'value="{agency.pk}"' in menu and f'value="{branch.pk}"' in menu


def test_the_committee_menu_lists_agencies_and_opens_the_chosen_ones_branches(
    client_for, committee_admin, committee, agency, branch, other_agency, other_branch, staff
):
    ActivityFactory(organization=agency, recorded_by=staff, title="局本级学习")
    ActivityFactory(organization=branch, recorded_by=staff, title="支部学习")
    ActivityFactory(organization=other_branch, recorded_by=staff, title="另一局支部学习")
    client = client_for(committee_admin)

    def menu(**params):
        html = client.get(reverse("activities:list"), params).content.decode()
        select = re.search(r'<select name="organization".*?</select>', html, re.S).group(0)
        return dict(re.findall(r'<option value="(\d+)"( selected)?>', select))

    assert set(menu()) == {str(agency.pk), str(other_agency.pk)}
    assert set(menu(organization=agency.pk)) == {str(agency.pk), str(branch.pk), str(other_agency.pk)}
    # A branch chosen through a link (a branch's dashboard) shows in the menu, chosen.
    assert menu(organization=branch.pk)[str(branch.pk)] == " selected"
    assert listed(client, organization=agency.pk) == {"局本级学习", "支部学习"}
    assert listed(client, organization=branch.pk) == {"支部学习"}
    assert listed(client, organization=other_agency.pk) == {"另一局支部学习"}


def test_an_organization_outside_the_scope_is_refused(client_for, secretary, other_agency, staff, agency):
    ActivityFactory(organization=agency, recorded_by=staff, title="本局学习")
    response = client_for(secretary).get(reverse("activities:list"), {"organization": other_agency.pk})
    assert response.status_code == 200
    assert "另一局" not in response.content.decode()


def test_a_bad_value_is_shown_as_bootstraps_invalid_field(client_for, secretary):
    html = client_for(secretary).get(reverse("activities:list"), {"year": "abc"}).content.decode()
    assert re.search(
        r'<input type="number" name="year" value="abc"[^>]*class="numberinput form-control is-invalid"', html
    )
    assert re.search(
        r'<div id="id_year_error" class="invalid-feedback"><p id="error_1_id_year"><strong>', html
    )


def test_every_field_has_its_label_and_bootstrap_classes(client_for, secretary):
    html = client_for(secretary).get(reverse("activities:list")).content.decode()
    for name in ("year", "month", "group", "kind", "status", "organization", "person", "q", "sort"):
        assert f'<div id="div_id_{name}" class="mb-3">' in html
        assert f'<label for="id_{name}" class="form-label">' in html
    assert '<select name="kind" class="select form-select" id="id_kind">' in html
    assert '<input type="text" name="q"' in html and 'class="textinput form-control"' in html


def test_the_labels_are_the_models_own(agency, staff):
    for kind in Kind:
        activity = Activity(kind=kind, status=Activity.Status.SUBMITTED)
        assert display(activity, "kind") == activity.get_kind_display()
    for status in Activity.Status:
        activity = Activity(kind=Kind.WEEKLY_STUDY, status=status)
        assert display(activity, "status") == activity.get_status_display()
        assert f">{activity.get_status_display()}</span>" in status_badge(activity)
    for status in Attendance.Status:
        attendance = Attendance(status=status)
        assert display(attendance, "status") == attendance.get_status_display()
    unknown = Activity(kind="retired_kind")
    assert display(unknown, "kind") == unknown.get_kind_display() == "retired_kind"


def test_the_months_of_the_menu_filter_by_month(client_for, staff, agency):
    ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 3, 8), title="三月学习")
    ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 10, 8), title="十月学习")
    client = client_for(staff)
    assert listed(client, month=10) == {"十月学习"}
    html = client.get(reverse("activities:list"), {"month": 10}).content.decode()
    assert '<option value="10" selected>' in html


def test_a_secretary_of_two_branches_has_both_in_the_menu_and_not_the_agency(client_for, agency, branch):
    second = OrganizationFactory(kind=Organization.Kind.BRANCH, parent=agency, name="第二党支部")
    user = UserFactory(agency=agency, branch=branch)
    RoleAssignmentFactory(user=user, organization=branch, role=Role.SECRETARY)
    RoleAssignmentFactory(user=user, organization=second, role=Role.SECRETARY)
    html = client_for(user).get(reverse("activities:list")).content.decode()
    menu = re.search(r'<select name="organization".*?</select>', html, re.S).group(0)
    assert f'value="{branch.pk}"' in menu and f'value="{second.pk}"' in menu
    assert f'value="{agency.pk}"' not in menu


def test_the_ledger_lists_the_records_that_need_more_or_those_complete(client_for, secretary, attended):
    from activities.completeness import missing_items
    from activities.selectors.activity import get_activity_for_user

    client = client_for(secretary)
    everything = listed(client)
    needs_more = listed(client, completeness="incomplete")
    complete = listed(client, completeness="complete")
    assert needs_more and needs_more | complete == everything and not needs_more & complete
    for activity in Activity.objects.all():
        record = get_activity_for_user(secretary, activity.pk)
        assert (activity.title in needs_more) == bool(missing_items(record))


def test_the_dashboard_links_to_all_its_records_to_complete(client_for, secretary, agency, branch, staff):
    from reports.selectors import dashboard

    year = timezone.localdate().year
    for day in range(1, 14):
        ActivityFactory(
            organization=branch, recorded_by=staff, date=datetime.date(year, 1, day), title=f"学习{day}"
        )
    client = client_for(secretary)
    html = client.get(reverse("dashboard:index"), {"org": agency.code, "year": year}).content.decode()
    link = re.search(r'<a href="([^"]+)" id="incomplete-all">', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    _shown, count = dashboard.incomplete_records_counted(
        Activity.objects.filter(organization__path__startswith=agency.path, date__year=year), 10
    )
    assert count == 13 and response.context["page"].paginator.count == count
