"""Every action says what it did, whether the page reloads or htmx swaps a part (defects 3 and 7 of
issue 14): one messages container, replaced out of band after an htmx action."""

import re

import pytest
from django.urls import reverse

from activities.models import Activity, Kind
from reports.models import Summary
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SUMMARY = "/reports/2022/?org=agency"


def _messages_box(html: str) -> str:
    """The out-of-band messages container of an htmx response."""
    found = re.search(r'<div id="messages"[^>]*hx-swap-oob="true"[^>]*>(.*?)</div>\s*$', html, re.S)
    assert found, "the response replaces the messages"
    return found.group(1)


def test_submitting_a_draft_replaces_the_draft_message_with_a_confirmation(client_for, recorder, branch):
    client = client_for(recorder)
    draft = ActivityFactory(organization=branch, recorded_by=recorder, status=Activity.Status.DRAFT)
    response = client.post(reverse("activities:submit", args=[draft.pk]), **HTMX)
    box = _messages_box(response.content.decode())
    assert "已提交审核" in box
    assert "草稿" not in box


def test_approving_in_place_confirms_it(client_for, secretary, branch, recorder):
    submitted = ActivityFactory(organization=branch, recorded_by=recorder, status=Activity.Status.SUBMITTED)
    response = client_for(secretary).post(reverse("activities:approve", args=[submitted.pk]), **HTMX)
    assert "审核通过" in _messages_box(response.content.decode()) or "已通过" in _messages_box(
        response.content.decode()
    )


def test_approving_from_the_dashboard_queue_confirms_it(client_for, secretary, branch, recorder):
    submitted = ActivityFactory(
        organization=branch, recorded_by=recorder, status=Activity.Status.SUBMITTED, title="三月学习"
    )
    response = client_for(secretary).post(reverse("dashboard:review_approve", args=[submitted.pk]), **HTMX)
    assert "三月学习" in _messages_box(response.content.decode())


@pytest.fixture
def session(branch, secretary):
    activity = ActivityFactory(organization=branch, kind=Kind.CENTRAL_GROUP_STUDY, recorded_by=secretary)
    return activity


def test_regenerating_a_section_says_so_and_updates_the_state_badge(client_for, secretary, session):
    client = client_for(secretary)
    assert 'data-state="none"' in client.get(SUMMARY).content.decode()
    response = client.post("/reports/2022/sections/leading/regenerate/?org=agency", **HTMX)
    html = response.content.decode()
    assert "重新生成" in _messages_box(html)
    badge = re.search(r'<span class="badge [^"]*" id="summary-state" hx-swap-oob="true"[^>]*>(.*?)<', html)
    assert badge and badge.group(1) == "草稿"


def test_saving_a_section_says_so(client_for, secretary, session):
    response = client_for(secretary).post(
        "/reports/2022/sections/leading/edit/?org=agency", {"text": "改过的领学部分。"}, **HTMX
    )
    assert "已保存" in _messages_box(response.content.decode())


def test_fetching_an_edit_form_leaves_the_pages_message_alone(client_for, secretary, session):
    response = client_for(secretary).get("/reports/2022/sections/leading/edit/?org=agency", **HTMX)
    assert 'id="messages"' not in response.content.decode()


def test_logging_out_says_so(client_for, staff):
    client = client_for(staff)
    response = client.post(reverse("logout"), follow=True)
    assert "您已退出登录" in response.content.decode()


def test_the_summary_page_has_the_first_heading_of_the_word_file(client_for, secretary, session):
    page = client_for(secretary).get(SUMMARY).content.decode()
    assert "一、抓好“大学习”" in page
    assert page.index("一、抓好") < page.index('id="section-leading"')


def test_the_summary_state_reads_the_same_on_every_page(client_for, admin_user, agency, session):
    Summary.objects.create(agency=agency, year=2022)
    client = client_for(admin_user)
    pages = [SUMMARY, reverse("reports:index"), reverse("dashboard:overview") + "?year=2022"]
    labels = set()
    for url in pages:
        page = client.get(url).content.decode()
        found = re.findall(r'<span class="badge ([^"]*)[^>]*>(草稿[^<]*)<', page)
        assert found, url
        labels |= {(classes.replace(" summary-state", ""), text) for classes, text in found}
    assert labels == {("text-bg-warning", "草稿")}


def test_a_returned_record_has_the_same_badge_on_the_home_page_and_the_record(client_for, recorder, branch):
    returned = ActivityFactory(
        organization=branch, recorded_by=recorder, status=Activity.Status.RETURNED, review_comment="补照片"
    )
    client = client_for(recorder)
    badges = set()
    for url in (reverse("home"), reverse("activities:detail", args=[returned.pk])):
        page = client.get(url).content.decode()
        badges |= set(re.findall(r'<span class="badge ([^"]*)"[^>]*>已退回<', page))
    assert badges == {"text-bg-danger activity-status"}
