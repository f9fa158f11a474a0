"""The activity list at county scale: a fixed number of queries whatever the data and whoever looks,
and no filter on the organization when the user sees the whole tree."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Kind
from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.scoping import sees_whole_tree
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
)


def _records(organizations, staff, count, start=0):
    for n in range(start, start + count):
        activity = ActivityFactory(
            organization=organizations[n % len(organizations)],
            recorded_by=staff,
            kind=list(Kind)[n % len(Kind)],
            date=datetime.date(2022, 3, 1 + n % 28),
            status="submitted" if n % 3 else "approved",
        )
        AttendanceFactory(activity=activity, person=staff)


CASES = [
    # session, user, role assignments, count, page rows (organization, speaker, head count,
    # completeness), the filter's organizations, the navigation's own agency
    ("secretary", {}, 7),
    ("secretary", {"page": 2, "year": 2022, "status": "submitted", "q": "学习"}, 7),
    # the same, and the name of the person a link names
    ("secretary", {"person": "staff"}, 8),
    # session, user, role assignments, the root organizations (the scope is the whole tree), count,
    # page rows, the filter's organizations, the navigation's own agency
    ("committee_admin", {}, 8),
]


@pytest.mark.parametrize(("who", "params", "queries"), CASES)
def test_the_list_takes_the_same_queries_with_ten_or_a_hundred_records(
    request,
    client_for,
    django_assert_num_queries,
    staff,
    leader,
    agency,
    branch,
    other_agency,
    who,
    params,
    queries,
):
    client = client_for(request.getfixturevalue(who))
    params = {key: staff.pk if value == "staff" else value for key, value in params.items()}
    _records([agency, branch, other_agency], staff, 10)
    with django_assert_num_queries(queries):
        few = client.get(reverse("activities:list"), params)
    _records([agency, branch, other_agency], staff, 100, start=10)
    with django_assert_num_queries(queries):
        many = client.get(reverse("activities:list"), params)
    assert few.status_code == many.status_code == 200
    assert many.context["page"].paginator.count > few.context["page"].paginator.count


def _count_query(client):
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("activities:list"))
    return next(query["sql"] for query in captured.captured_queries if "COUNT(*)" in query["sql"])


def test_a_user_who_sees_the_whole_tree_is_not_filtered_by_organization(
    client_for, committee_admin, secretary, agency
):
    # The committee's list then walks the list's own index (date, id) for its order and its count.
    assert "organization" not in _count_query(client_for(committee_admin))
    assert "organization" in _count_query(client_for(secretary))


def test_the_whole_tree_means_every_root(committee_admin, committee, secretary, agency):
    superuser = UserFactory(is_superuser=True)
    assert sees_whole_tree(committee_admin)
    assert sees_whole_tree(superuser)
    assert not sees_whole_tree(secretary)
    OrganizationFactory(kind=Organization.Kind.COMMITTEE, name="另一个工委")
    # A fresh user object, as the next request has: roles and roots are read once per request.
    assert not sees_whole_tree(User.objects.get(pk=committee_admin.pk))


def test_a_role_below_staff_on_the_root_is_not_the_whole_tree(committee, agency):
    user = UserFactory(agency=agency)
    RoleAssignmentFactory(user=user, organization=agency, role=Role.ADMIN)
    assert not sees_whole_tree(user)
    assert sees_whole_tree(UserFactory(is_superuser=True), Role.ADMIN)


@pytest.mark.parametrize("who", ["committee_admin", "secretary"])
def test_every_page_of_the_whole_list_holds_the_next_rows_newest_first(
    request, client_for, staff, agency, branch, who
):
    # Days shared by several records: the order is (date, id), newest first, on every page, also on
    # the pages past the middle, which the committee's list reads from the far end.
    records = [
        ActivityFactory(organization=agency, recorded_by=staff, date=datetime.date(2022, 5, 1 + n % 4))
        for n in range(45)
    ]
    expected = [a.pk for a in sorted(records, key=lambda a: (a.date, a.pk), reverse=True)]
    client = client_for(request.getfixturevalue(who))

    def listed(page):
        response = client.get(reverse("activities:list"), {"page": page})
        return [row.pk for row in response.context["rows"]]

    assert listed(1) + listed(2) + listed(3) == expected
    assert listed(99) == expected[40:]
