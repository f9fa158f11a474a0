"""Review: draft → submitted → approved, or returned with a comment → resubmitted."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from activities.models import Activity, Kind
from activities.services import activity as services

Status = Activity.Status


@pytest.fixture
def draft(staff, agency):
    return services.activity_create(
        by=staff, organization=agency, kind=Kind.WEEKLY_STUDY, date=datetime.date(2022, 5, 10), title="周学习"
    )


def test_a_record_goes_from_draft_through_return_to_approval(draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    returned = services.activity_return(activity=draft, by=secretary, comment="请补充会议记录")
    assert (returned.status, returned.review_comment, returned.reviewed_by) == (
        Status.RETURNED,
        "请补充会议记录",
        secretary,
    )
    services.activity_update(activity=draft, by=staff, notes="补充的会议记录")
    assert services.activity_submit(activity=draft, by=staff).status == Status.SUBMITTED
    assert services.activity_approve(activity=draft, by=secretary).status == Status.APPROVED


REFUSED = [
    ("approve a draft", Status.DRAFT, "approve", "只有已提交的记录才能审核通过"),
    ("return a draft", Status.DRAFT, "return", "只有已提交的记录才能退回"),
    ("submit twice", Status.SUBMITTED, "submit", "只有草稿或已退回的记录才能提交审核"),
    ("approve twice", Status.APPROVED, "approve", "已由王五审核通过"),
    ("return an approved record", Status.APPROVED, "return", "已由王五审核通过"),
    ("submit an approved record", Status.APPROVED, "submit", "已由王五审核通过"),
    ("approve a returned record", Status.RETURNED, "approve", "已由王五退回"),
]


def _bring_to(activity, status, staff, secretary):
    if status != Status.DRAFT:
        services.activity_submit(activity=activity, by=staff)
    if status == Status.APPROVED:
        services.activity_approve(activity=activity, by=secretary)
    if status == Status.RETURNED:
        services.activity_return(activity=activity, by=secretary, comment="补充")


def _act(action, activity, staff, secretary):
    if action == "submit":
        return services.activity_submit(activity=activity, by=secretary)
    if action == "approve":
        return services.activity_approve(activity=activity, by=secretary)
    return services.activity_return(activity=activity, by=secretary, comment="意见")


@pytest.mark.parametrize(("case", "status", "action", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_an_illegal_transition_is_refused_with_a_chinese_message(
    draft, staff, secretary, case, status, action, message
):
    _bring_to(draft, status, staff, secretary)
    with pytest.raises(services.ActivityError) as refused:
        _act(action, draft, staff, secretary)
    assert message in refused.value.message
    draft.refresh_from_db()
    assert draft.status == status


def test_returning_needs_a_comment(draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    with pytest.raises(services.ActivityError, match="写明需要修改的内容"):
        services.activity_return(activity=draft, by=secretary, comment="  ")


@pytest.mark.parametrize("role", ["staff", "recorder"])
def test_only_a_secretary_or_admin_reviews(draft, staff, request, role):
    services.activity_submit(activity=draft, by=staff)
    with pytest.raises(PermissionDenied):
        services.activity_approve(activity=draft, by=request.getfixturevalue(role))


def test_admin_may_review(draft, staff, admin_user):
    services.activity_submit(activity=draft, by=staff)
    assert services.activity_approve(activity=draft, by=admin_user).status == Status.APPROVED


def test_the_second_of_two_secretaries_acting_at_once_gets_a_clear_message(draft, staff, secretary, agency):
    from tests.factories import UserFactory

    deputy = UserFactory(agency=agency, role="secretary", real_name="副书记")
    services.activity_submit(activity=draft, by=staff)
    # Both opened the page while the record was submitted; each holds a stale copy.
    stale_one, stale_two = Activity.objects.get(pk=draft.pk), Activity.objects.get(pk=draft.pk)
    services.activity_approve(activity=stale_one, by=secretary)
    with pytest.raises(services.ActivityError, match="已由王五审核通过"):
        services.activity_return(activity=stale_two, by=deputy, comment="退回")
    draft.refresh_from_db()
    assert (draft.status, draft.reviewed_by) == (Status.APPROVED, secretary)


# --- through the pages, with and without htmx -----------------------------------------------


def test_secretary_approves_from_the_list_and_gets_the_updated_row(client_for, draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    response = client_for(secretary).post(
        reverse("activities:approve", args=[draft.pk]), {"fragment": "row"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<div class="list-group-item activity-row" id="activity-row-{draft.pk}"')
    assert "已审核" in html and "<html" not in html
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED


def test_secretary_returns_from_the_detail_panel(client_for, draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    response = client_for(secretary).post(
        reverse("activities:return", args=[draft.pk]), {"comment": "请补充签到表"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="review-panel"' in html and "请补充签到表" in html and "已退回" in html


def test_returning_without_a_comment_shows_why_and_changes_nothing(client_for, draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    response = client_for(secretary).post(
        reverse("activities:return", args=[draft.pk]), {"comment": ""}, HTTP_HX_REQUEST="true"
    )
    assert "退回时请写明需要修改的内容" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_approving_twice_in_the_browser_shows_the_refusal(client_for, draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    services.activity_approve(activity=draft, by=secretary)
    client = client_for(secretary)
    response = client.post(
        reverse("activities:approve", args=[draft.pk]), {"fragment": "row"}, HTTP_HX_REQUEST="true"
    )
    assert "该记录已由王五审核通过" in response.content.decode()
    response = client.post(reverse("activities:approve", args=[draft.pk]), follow=True)
    assert "该记录已由王五审核通过" in response.content.decode()


def test_staff_submits_without_htmx_and_lands_on_the_detail(client_for, draft, staff):
    response = client_for(staff).post(reverse("activities:submit", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("activities:detail", args=[draft.pk])
    assert "记录已提交审核" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_the_list_offers_review_buttons_only_to_a_reviewer(client_for, draft, staff, secretary):
    services.activity_submit(activity=draft, by=staff)
    assert "approve-button" not in client_for(staff).get(reverse("activities:list")).content.decode()
    assert "approve-button" in client_for(secretary).get(reverse("activities:list")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_clicking_at_the_same_moment_leave_one_decision(staff, secretary, agency):
    """Real threads and real row locks; SQLite's in-memory test database cannot hold two connections."""
    import threading

    from django.db import connection, connections

    from tests.factories import UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("needs a database with row locks and separate connections (PostgreSQL)")
    deputy = UserFactory(agency=agency, role="secretary", real_name="副书记")
    activity = services.activity_create(
        by=staff, organization=agency, kind=Kind.WEEKLY_STUDY, date=datetime.date(2022, 5, 10), title="周学习"
    )
    services.activity_submit(activity=activity, by=staff)
    start, outcomes = threading.Barrier(2), []

    def act(decide):
        try:
            start.wait()
            decide(Activity.objects.get(pk=activity.pk))
            outcomes.append("done")
        except services.ActivityError as refused:
            outcomes.append(refused.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(lambda a: services.activity_approve(activity=a, by=secretary),)),
        threading.Thread(
            target=act, args=(lambda a: services.activity_return(activity=a, by=deputy, comment="退回"),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    activity.refresh_from_db()
    assert sorted(outcomes)[0] == "done" and outcomes.count("done") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "done")
    # Whoever got the lock first decided; the other is told who did.
    if activity.status == Status.APPROVED:
        assert refusal == "该记录已由王五审核通过。"
    else:
        assert (activity.status, refusal) == (Status.RETURNED, "该记录已由副书记退回。")


# --- four eyes (issue 13, finding 10) ------------------------------------------------------------


def _own_record(secretary, agency):
    record = services.activity_create(
        by=secretary,
        organization=agency,
        kind=Kind.WEEKLY_STUDY,
        date=datetime.date(2022, 5, 10),
        title="周学习",
    )
    return services.activity_submit(activity=record, by=secretary)


def test_a_secretary_does_not_approve_a_record_they_recorded_where_another_secretary_covers_it(
    client_for, secretary, agency
):
    from tests.factories import UserFactory

    deputy = UserFactory(agency=agency, role="secretary", real_name="副书记")
    record = _own_record(secretary, agency)
    with pytest.raises(services.ActivityError, match="另一位书记"):
        services.activity_review(activity=record, by=secretary, decision=services.APPROVE)
    # Both doors: the record's page and the dashboard's queue.
    page = client_for(secretary).post(reverse("activities:approve", args=[record.pk]), HTTP_HX_REQUEST="true")
    assert "另一位书记" in page.content.decode()
    queue = client_for(secretary).post(
        reverse("dashboard:review_approve", args=[record.pk]), HTTP_HX_REQUEST="true"
    )
    assert "另一位书记" in queue.content.decode()
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    approved = services.activity_review(activity=record, by=deputy, decision=services.APPROVE)
    assert (approved.status, approved.reviewed_by) == (Status.APPROVED, deputy)


def test_pages_show_a_secretary_no_approve_button_on_a_record_they_recorded_where_another_secretary_covers_it(
    client_for, secretary, agency
):
    from tests.factories import UserFactory

    record = _own_record(secretary, agency)
    pages = [
        reverse("activities:detail", args=[record.pk]),
        reverse("activities:list") + "?status=submitted",
        reverse("dashboard:index") + f"?org={agency.code}",
    ]
    client = client_for(secretary)
    # The only secretary approves their own record: every page offers approve and return.
    for url in pages:
        html = client.get(url).content.decode()
        assert "approve-button" in html and "return" in html, url
    UserFactory(agency=agency, role="secretary", real_name="副书记")
    for url in pages:
        html = client.get(url).content.decode()
        assert "approve-button" not in html, url
        assert (
            reverse("activities:return", args=[record.pk]) in html
            or reverse("dashboard:review_return", args=[record.pk]) in html
        ), url


def test_the_only_secretary_of_the_agency_approves_their_own_record(secretary, agency):
    record = _own_record(secretary, agency)
    approved = services.activity_review(activity=record, by=secretary, decision=services.APPROVE)
    assert approved.status == Status.APPROVED


def test_four_eyes_can_be_switched_off(settings, secretary, agency):
    from tests.factories import UserFactory

    UserFactory(agency=agency, role="secretary", real_name="副书记")
    settings.FOUR_EYES_REVIEW = False
    record = _own_record(secretary, agency)
    assert services.activity_approve(activity=record, by=secretary).status == Status.APPROVED


def test_a_secretarys_import_waits_for_the_other_secretary_where_there_is_one(secretary, agency):
    from activities.imports.engine import ledger_import
    from tests.factories import UserFactory

    from .test_ledger import csv_bytes

    def import_one(title, day):
        rows = [["日期", "类型", "主题"], [day, "主题党日", title]]
        ledger_import(
            ledger_type="activities",
            data=csv_bytes(rows),
            filename=f"{title}.csv",
            organization=agency,
            user=secretary,
        )
        return Activity.objects.get(title=title).status

    assert import_one("主题党日", "2022-03-03") == Status.APPROVED  # the only secretary
    UserFactory(agency=agency, role="secretary", real_name="副书记")
    assert import_one("另一次主题党日", "2022-03-04") == Status.SUBMITTED
