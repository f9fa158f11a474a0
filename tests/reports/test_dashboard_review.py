"""Approving and returning records from the dashboard's review queue (htmx, in place)."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity, ActivityMonthStat, Kind
from tests.factories import ActivityFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def submitted(branch, staff):
    return ActivityFactory(
        organization=branch,
        kind=Kind.BRANCH_ASSEMBLY,
        date=datetime.date(2022, 3, 1),
        status=Activity.Status.SUBMITTED,
        recorded_by=staff,
        title="三月支部党员大会",
    )


def approve(client, activity, **extra):
    return client.post(reverse("dashboard:review_approve", args=[activity.pk]), **extra)


def give_back(client, activity, comment, **extra):
    return client.post(reverse("dashboard:review_return", args=[activity.pk]), {"comment": comment}, **extra)


def test_secretary_can_approve_a_record_in_place(client_for, secretary, submitted, branch):
    response = approve(client_for(secretary), submitted, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="queue-{submitted.pk}"' in html and 'data-status="approved"' in html
    assert "approve-button" not in html
    submitted.refresh_from_db()
    assert submitted.status == Activity.Status.APPROVED and submitted.reviewed_by == secretary
    # The service keeps the monthly counts, so the dashboard's figures follow at once.
    stat = ActivityMonthStat.objects.get(organization=branch, year=2022, month=3, kind=Kind.BRANCH_ASSEMBLY)
    assert stat.activities == 1


def test_secretary_can_return_a_record_with_a_comment(client_for, secretary, submitted):
    response = give_back(client_for(secretary), submitted, "请补充会议记录", **HTMX)
    assert response.status_code == 200
    assert "请补充会议记录" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Activity.Status.RETURNED and submitted.review_comment == "请补充会议记录"


def test_returning_without_a_comment_is_refused_and_changes_nothing(client_for, secretary, submitted):
    response = give_back(client_for(secretary), submitted, "  ", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "queue-message" in html and "approve-button" in html
    submitted.refresh_from_db()
    assert submitted.status == Activity.Status.SUBMITTED


def test_a_record_already_approved_by_someone_else_says_so(client_for, secretary, admin_user, submitted):
    approve(client_for(admin_user), submitted, **HTMX)
    response = approve(client_for(secretary), submitted, **HTMX)
    html = response.content.decode()
    assert admin_user.real_name in html and 'data-status="approved"' in html


def test_without_javascript_the_review_redirects_back_to_the_dashboard(
    client_for, secretary, submitted, agency
):
    response = approve(client_for(secretary), submitted)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("dashboard:index")) and agency.code in response["Location"]


@pytest.mark.parametrize("action", [approve, lambda client, activity: give_back(client, activity, "改")])
def test_staff_may_not_review(client_for, staff, submitted, action):
    assert action(client_for(staff), submitted).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Activity.Status.SUBMITTED


@pytest.mark.parametrize("action", [approve, lambda client, activity: give_back(client, activity, "改")])
def test_another_agencys_secretary_gets_404(client_for, outsider, submitted, action):
    assert action(client_for(outsider), submitted).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Activity.Status.SUBMITTED
