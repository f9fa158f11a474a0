"""The home page shows each role what waits for it."""

import datetime
import re

import pytest
from django.utils import timezone

from activities.models import Activity, Kind, RectificationItem
from tests.factories import ActivityFactory, AttendanceFactory, RectificationItemFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def home(client_for, user) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str, name: str) -> str | None:
    match = re.search(rf'<section[^>]+id="panel-{name}".*?</section>', html, re.S)
    return match.group(0) if match else None


def panel_count(html: str, name: str) -> int:
    return int(re.search(r'panel-count">(\d+)<', panel(html, name)).group(1))


def this_year(day=1):
    return datetime.date(timezone.localdate().year, 1, day)


def test_staff_see_their_drafts_and_returned_records_to_finish(client_for, staff, branch, recorder):
    mine = [
        ActivityFactory(
            organization=branch, recorded_by=staff, status=Activity.Status.DRAFT, title="我的草稿"
        ),
        ActivityFactory(
            organization=branch,
            recorded_by=staff,
            status=Activity.Status.RETURNED,
            title="被退回的记录",
            review_comment="请补充签到表",
        ),
    ]
    ActivityFactory(organization=branch, recorded_by=staff, status=Activity.Status.SUBMITTED, title="已提交")
    ActivityFactory(
        organization=branch, recorded_by=recorder, status=Activity.Status.DRAFT, title="别人的草稿"
    )
    html = home(client_for, staff)
    unfinished = panel(html, "unfinished")
    assert panel_count(html, "unfinished") == len(mine)
    assert "我的草稿" in unfinished and "被退回的记录" in unfinished and "请补充签到表" in unfinished
    assert "已提交" not in unfinished and "别人的草稿" not in unfinished
    assert panel(html, "review") is None and panel(html, "incomplete") is None


def test_secretary_sees_how_many_records_await_review(client_for, secretary, branch, other_branch, staff):
    for _ in range(3):
        ActivityFactory(organization=branch, recorded_by=staff, status=Activity.Status.SUBMITTED)
    ActivityFactory(
        organization=branch, recorded_by=staff, status=Activity.Status.SUBMITTED, deleted_at=timezone.now()
    )
    ActivityFactory(organization=other_branch, recorded_by=staff, status=Activity.Status.SUBMITTED)
    html = home(client_for, secretary)
    assert panel_count(html, "review") == 3
    assert "/dashboard/?org=agency#queue" in panel(html, "review")


def test_rectification_due_within_30_days_or_overdue_is_shown_to_its_owner_and_secretary(
    client_for, secretary, staff, agency, other_agency
):
    today = timezone.localdate()
    overdue = RectificationItemFactory(
        agency=agency, owner=staff, deadline=today - datetime.timedelta(days=2)
    )
    soon = RectificationItemFactory(
        agency=agency, owner=secretary, deadline=today + datetime.timedelta(days=20)
    )
    RectificationItemFactory(agency=agency, owner=staff, deadline=today + datetime.timedelta(days=45))
    RectificationItemFactory(
        agency=agency, owner=staff, deadline=today, status=RectificationItem.Status.CLOSED, problem="已销号"
    )
    RectificationItemFactory(agency=other_agency, deadline=today, problem="别的单位")

    secretary_html = panel(home(client_for, secretary), "rectification")
    assert overdue.problem in secretary_html and soon.problem in secretary_html
    assert "已销号" not in secretary_html and "别的单位" not in secretary_html
    assert secretary_html.count("<li") == 2

    staff_html = panel(home(client_for, staff), "rectification")
    assert overdue.problem in staff_html and soon.problem not in staff_html


def test_recorder_sees_the_records_that_need_completing(client_for, recorder, branch, staff):
    complete = ActivityFactory(organization=branch, recorded_by=staff, date=this_year(3), notes="记录")
    AttendanceFactory(activity=complete, person=staff, signed_in_at=timezone.now())  # signed in by QR
    lacking = ActivityFactory(
        organization=branch, recorded_by=staff, date=this_year(4), kind=Kind.FIELD_VISIT, notes="记录"
    )
    ActivityFactory(organization=branch, recorded_by=staff, date=datetime.date(2015, 1, 1), notes="")
    html = home(client_for, recorder)
    assert panel_count(html, "incomplete") == 1
    assert lacking.title in panel(html, "incomplete") and complete.title not in panel(html, "incomplete")


def test_someone_without_a_role_sees_no_panels(client_for, agency):
    html = home(client_for, UserFactory(agency=agency))
    assert 'id="home-panels"' not in html


# The session and the user (2), the role badges (1), the roles for scoping (1); own unfinished
# records (1); the review count (1); the user's agency (1) and branch (1) shown on the page;
# rectification due: count and first rows (2); the norms due: the organizations, the active rules,
# and the norms engine's branches and counts (4; 2 more in the first days of January); the
# incomplete records (1).
HOME_QUERIES = 15


@pytest.mark.parametrize("n", [1, 12])
def test_the_home_page_runs_the_same_queries_whatever_the_number_of_records(
    client_for, secretary, agency, branch, staff, django_assert_num_queries, n, today_is
):
    from studyportal.accounts.models import Role, RoleAssignment

    today_is(datetime.date(2026, 5, 20))

    RoleAssignment.objects.create(user=secretary, organization=agency, role=Role.RECORDER)
    for i in range(n):
        for status in Activity.Status.values:
            ActivityFactory(organization=branch, recorded_by=secretary, status=status, date=this_year(i + 1))
        RectificationItemFactory(agency=agency, owner=secretary, deadline=timezone.localdate())
    client = client_for(secretary)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    html = response.content.decode()
    assert panel_count(html, "review") == n and panel_count(html, "rectification") == n


def test_secretary_and_recorder_see_the_rules_due_this_period_with_their_colour(
    client_for, secretary, recorder, staff, branch, committee_admin, today_is
):
    """On 25 March the branch has held no committee meeting: amber, 7 days left; the quarter's
    assembly is amber too; April's rules are not listed yet."""
    today_is(datetime.date(2026, 3, 25))
    ActivityFactory(
        organization=branch, kind=Kind.THEME_PARTY_DAY, date=datetime.date(2026, 3, 3), recorded_by=staff
    )
    from activities.stats import stats_rebuild

    stats_rebuild(year=2026)
    for user in (secretary, recorder):
        due = panel(home(client_for, user), "norms-due")
        assert due is not None
        items = re.findall(r'<li class="mb-1 norm-due norm-due-(\w+)".*?</li>', due, re.S)
        assert "amber" in items and "red" not in items
        assert "支部委员会会议" in due and "还剩7天" in due and "2026年3月" in due
        assert "主题党日" not in due  # held this month
        assert "4月" not in due
    assert panel(home(client_for, staff), "norms-due") is None
    assert panel(home(client_for, committee_admin), "norms-due") is None


def test_a_missed_month_is_red_on_the_first_days_of_the_next(client_for, secretary, branch, today_is):
    today_is(datetime.date(2026, 4, 2))
    due = panel(home(client_for, secretary), "norms-due")
    missed = re.findall(r'norm-due-red".*?</li>', due, re.S)
    assert missed and all("3月" in item or "第一季度" in item for item in missed)
    assert "已错过" in due
