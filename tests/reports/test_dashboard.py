"""The secretary's dashboard: its figures against the records a test builds, who may open it, and
how many queries it costs."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import kinds
from activities.completeness import completeness_annotations, missing_items
from activities.models import (
    Activity,
    Attachment,
    Attendance,
    Group,
    Kind,
    PlanItem,
    RectificationItem,
    StudyPlan,
    StudyPoints,
)
from activities.services import activity as services
from reports.selectors.dashboard import (
    LOW_ATTENDANCE_RATE,
    REVIEW_QUEUE_LIMIT,
    incomplete_records_counted,
    low_attendance,
)
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    RectificationItemFactory,
    UserFactory,
)

YEAR = 2022
URL = reverse("dashboard:index")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The factories set a password for every person they make; the real hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def figure(html: str, figure_id: str) -> str:
    """The big number of a figure card, as the user reads it."""
    match = re.search(rf'id="figure-{figure_id}".*?class="h3 mb-0 figure-value">(.*?)</div>', html, re.S)
    assert match, f"no figure {figure_id}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def figure_link(html: str, figure_id: str) -> str:
    match = re.search(rf'id="figure-{figure_id}".*?figure-value"><a href="([^"]+)"', html, re.S)
    assert match, f"figure {figure_id} has no link"
    return unescape(match.group(1))


@pytest.fixture
def members(agency, branch):
    return [UserFactory(agency=agency, branch=branch, real_name=name) for name in ("甲", "乙", "丙", "丁")]


@pytest.fixture
def year_records(agency, branch, other_agency, other_branch, secretary, staff, members, leader):
    """A year of records in several states, in our agency and in another one."""

    def make(organization, kind, month, status=Activity.Status.APPROVED, **fields):
        return ActivityFactory(
            organization=organization,
            kind=kind,
            date=datetime.date(YEAR, month, 10),
            status=status,
            recorded_by=staff,
            notes="会议记录",
            **fields,
        )

    approved = [
        make(agency, Kind.CENTRAL_GROUP_STUDY, 1),
        make(agency, Kind.CENTRAL_GROUP_STUDY, 3),
        make(agency, Kind.CENTRAL_GROUP_SEMINAR, 6),
        make(branch, Kind.PARTY_LECTURE, 4, speaker=leader, given_by_leader=True),
        make(branch, Kind.PARTY_LECTURE, 9, speaker_name="党校老师"),
        make(branch, Kind.GUEST_LECTURE, 10, speaker=leader, given_by_leader=True),
        make(branch, Kind.FIELD_VISIT, 5, location="革命历史纪念馆"),
        make(branch, Kind.FILM_VIEWING, 7),
        make(agency, Kind.HOUSEHOLD_VISIT, 8, households_reached=12),
        make(agency, Kind.ENTERPRISE_SERVICE, 11, enterprises_reached=4),
        make(branch, Kind.WEEKLY_STUDY, 2),
        make(branch, Kind.BRANCH_ASSEMBLY, 3),
    ]
    not_counted = [
        make(branch, Kind.WEEKLY_STUDY, 2, status=Activity.Status.DRAFT),
        make(branch, Kind.FIELD_VISIT, 5, status=Activity.Status.RETURNED),
        make(agency, Kind.CENTRAL_GROUP_STUDY, 12, status=Activity.Status.SUBMITTED),
        make(branch, Kind.HOUSEHOLD_VISIT, 8, status=Activity.Status.SUBMITTED, households_reached=30),
        make(branch, Kind.WEEKLY_STUDY, 6, deleted_at=timezone.now()),
    ]
    elsewhere = [
        make(other_branch, kind, month)
        for kind, month in [(Kind.CENTRAL_GROUP_STUDY, 1), (Kind.FIELD_VISIT, 2), (Kind.PARTY_LECTURE, 3)]
    ]
    # Attendance: 甲 comes to everything, 乙 misses most, 丙 is on leave half the time.
    a, b, c, _d = members
    for index, activity in enumerate(approved):
        AttendanceFactory(activity=activity, person=a)
        AttendanceFactory(
            activity=activity,
            person=b,
            status=Attendance.Status.PRESENT if index % 4 == 0 else Attendance.Status.ABSENT,
        )
        AttendanceFactory(
            activity=activity,
            person=c,
            status=Attendance.Status.PRESENT if index % 2 else Attendance.Status.LEAVE,
        )
    for activity in not_counted + elsewhere:
        AttendanceFactory(activity=activity, person=a if activity.organization != other_branch else staff)
    return {"approved": approved, "not_counted": not_counted, "elsewhere": elsewhere}


def page(client_for, user, **params):
    response = client_for(user).get(URL, {"year": YEAR, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_each_figure_equals_the_approved_records_of_our_agency(client_for, secretary, year_records):
    approved = year_records["approved"]
    html = page(client_for, secretary)

    def count(kinds):
        return str(sum(1 for activity in approved if activity.kind in kinds))

    assert figure(html, "activities") == str(len(approved))
    for group in Group.values:
        assert figure(html, f"group-{group}") == count(kinds.kinds_where(group=group))
    assert figure(html, "central-group") == count(kinds.kinds_where(central_group=True))
    assert figure(html, "leader-lectures") == str(
        sum(1 for a in approved if a.kind in (Kind.PARTY_LECTURE, Kind.GUEST_LECTURE) and a.given_by_leader)
    )
    assert figure(html, "field-visits") == count([Kind.FIELD_VISIT])
    assert figure(html, "practice") == count(kinds.kinds_where(group=Group.PRACTICE))
    households = sum(a.households_reached or 0 for a in approved)
    enterprises = sum(a.enterprises_reached or 0 for a in approved)
    note = re.search(r'id="figure-practice".*?figure-note">(.*?)</div>', html, re.S).group(1)
    assert [int(n) for n in re.findall(r"\d+", note)] == [households, enterprises]

    rows = Attendance.objects.filter(activity__in=approved)
    present = rows.filter(status=Attendance.Status.PRESENT).count()
    assert figure(html, "attendance") == f"{present / rows.count() * 100:.1f}%"


def test_records_in_draft_returned_or_deleted_do_not_count_and_submitted_ones_wait(
    client_for, secretary, year_records
):
    html = page(client_for, secretary)
    submitted = [a for a in year_records["not_counted"] if a.status == Activity.Status.SUBMITTED]
    assert figure(html, "awaiting-review") == str(len(submitted))
    assert figure(html, "field-visits") == "1"  # the returned visit is left out
    for activity in submitted:
        assert f'id="queue-{activity.pk}"' in html
    for activity in year_records["not_counted"]:
        if activity.status != Activity.Status.SUBMITTED:
            assert f'id="queue-{activity.pk}"' not in html


def test_a_long_review_queue_shows_the_oldest_and_leads_to_the_rest(client_for, secretary, branch, staff):
    waiting = [
        ActivityFactory(
            organization=branch,
            date=datetime.date(YEAR, 3, 1) + datetime.timedelta(days=i),
            status=Activity.Status.SUBMITTED,
            submitted_at=timezone.now() + datetime.timedelta(minutes=i),
            recorded_by=staff,
        )
        for i in range(REVIEW_QUEUE_LIMIT + 3)
    ]
    html = page(client_for, secretary)
    assert figure(html, "awaiting-review") == str(len(waiting))
    assert re.search(r'id="queue-count"[^>]*>(\d+)<', html).group(1) == str(len(waiting))
    shown = re.findall(r'id="queue-(\d+)"', html)
    assert shown == [str(a.pk) for a in waiting[:REVIEW_QUEUE_LIMIT]]
    everything = reverse("activities:list") + f"?organization={secretary.agency.pk}&amp;status=submitted"
    assert f'<a href="{everything}">' in html


def test_another_agencys_records_never_show(client_for, secretary, year_records):
    html = page(client_for, secretary)
    for activity in year_records["elsewhere"]:
        assert activity.title not in html
    assert figure(html, "central-group") == "3"


def test_the_plan_is_shown_beside_what_was_done(client_for, secretary, agency, year_records):
    plan = StudyPlan.objects.create(agency=agency, year=YEAR, title="2022年理论学习计划")
    for month in range(1, 6):
        PlanItem.objects.create(plan=plan, month=month, kind=Kind.CENTRAL_GROUP_STUDY, topic=f"专题{month}")
    PlanItem.objects.create(plan=plan, month=5, kind=Kind.FIELD_VISIT, topic="现场教学")
    html = page(client_for, secretary)
    note = re.search(r'id="figure-group-leading".*?figure-note">(.*?)</div>', html, re.S).group(1)
    assert "5" in note
    table = re.search(r'id="table-plan">(.*?)</table>', html, re.S).group(1)
    assert re.search(r"<td class=\"text-end\">5</td>", table)


def test_rectification_figures_count_open_overdue_and_completed(client_for, secretary, agency, other_agency):
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=3), today + datetime.timedelta(days=90)
    Status = RectificationItem.Status
    items = [
        RectificationItemFactory(agency=agency, year=YEAR, status=Status.NOT_STARTED, deadline=past),
        RectificationItemFactory(agency=agency, year=YEAR, status=Status.IN_PROGRESS, deadline=past),
        RectificationItemFactory(agency=agency, year=YEAR, status=Status.IN_PROGRESS, deadline=future),
        RectificationItemFactory(agency=agency, year=YEAR, status=Status.DONE, deadline=past),
        RectificationItemFactory(agency=agency, year=YEAR, status=Status.CLOSED, deadline=past),
    ]
    RectificationItemFactory(agency=other_agency, year=YEAR, status=Status.NOT_STARTED, deadline=past)
    RectificationItemFactory(agency=agency, year=YEAR, status=Status.NOT_STARTED, deleted_at=timezone.now())
    html = page(client_for, secretary)
    assert figure(html, "rectification-open") == str(sum(item.is_open for item in items))
    assert figure(html, "rectification-overdue") == str(sum(item.is_overdue(today) for item in items))
    assert figure(html, "rectification-closed") == str(sum(not item.is_open for item in items))


def test_members_under_the_points_threshold_are_counted(client_for, secretary, agency, members):
    agency.low_points_threshold = 8000
    agency.save()
    for person, points in zip(members, (9000, 7999, 100, 8000), strict=True):
        StudyPoints.objects.create(person=person, year=YEAR, points=points)
    # Someone who has left is no longer a member to follow up.
    StudyPoints.objects.create(person=UserFactory(agency=agency, is_active=False), year=YEAR, points=1)
    assert figure(page(client_for, secretary), "low-points") == "2"


def test_incomplete_approved_records_are_listed_with_what_they_lack(client_for, secretary, branch, staff):
    complete = ActivityFactory(
        organization=branch,
        kind=Kind.FILM_VIEWING,
        date=datetime.date(YEAR, 4, 1),
        notes="观后感",
        recorded_by=staff,
    )
    AttendanceFactory(activity=complete, person=staff)
    complete.materials.create(title="长津湖")
    visit = ActivityFactory(
        organization=branch,
        kind=Kind.FIELD_VISIT,
        date=datetime.date(YEAR, 4, 2),
        location="纪念馆",
        recorded_by=staff,
    )
    AttendanceFactory(activity=visit, person=staff)
    Attachment.objects.create(
        activity=visit, kind=Attachment.Kind.MINUTES, file="x.pdf", original_name="x.pdf",
        content_type="application/pdf", size=1, uploaded_by=staff,
    )  # fmt: skip
    ActivityFactory(
        organization=branch,
        kind=Kind.FIELD_VISIT,
        date=datetime.date(YEAR, 4, 3),
        status=Activity.Status.DRAFT,
    )
    html = page(client_for, secretary)
    assert figure(html, "incomplete") == "1"
    listed = re.search(r'id="incomplete-list">(.*?)</ul>', html, re.S).group(1)
    assert visit.title in listed and complete.title not in listed
    assert "照片" in listed or "photo" in listed


def test_the_dashboard_lists_the_first_ten_records_to_complete_and_counts_them_all(
    client_for, secretary, branch, staff
):
    for day in range(1, 13):
        ActivityFactory(
            organization=branch,
            kind=Kind.FIELD_VISIT,
            date=datetime.date(YEAR, 5, day),
            title=f"缺照片的调研{day:02d}",
            recorded_by=staff,
        )
    html = page(client_for, secretary)
    assert figure(html, "incomplete") == "12"
    listed = re.search(r'id="incomplete-list">(.*?)</ul>', html, re.S).group(1)
    assert listed.count("缺照片的调研") == 10
    assert "12" in re.search(r'id="incomplete-more">(.*?)</p>', html, re.S).group(1)


def test_people_under_the_attendance_threshold_are_listed_by_name(client_for, secretary, year_records):
    html = page(client_for, secretary)
    table = re.search(r'id="low-attendance-table">(.*?)</table>', html, re.S).group(1)
    names = re.findall(r"<tr><td>(?:<a [^>]+>)?([^<]+)", table)
    # 乙 is mostly absent and 丙 half on leave; 甲 came to everything and 丁 was never invited.
    assert names == sorted(["乙", "丙"])


def test_the_norm_grid_names_the_gaps_of_each_branch(client_for, secretary, branch, year_records):
    html = page(client_for, secretary)
    grid = re.search(rf'id="norm-grid-{branch.code}".*?</table>(.*?)</div>\s*</div>', html, re.S)
    assert grid, "the branch has a norm grid"
    # Only one Party assembly (in March): the second, third and fourth quarters are gaps, in one
    # sentence per rule (the grid above shows each period).
    gaps = re.findall(r"<li>(.*?)</li>", grid.group(1))
    assembly = [gap for gap in gaps if "支部党员大会" in gap]
    assert assembly == ["第二季度、第三季度、第四季度未召开支部党员大会"]
    assert len(gaps) == len(set(gaps)) and all(branch.name not in gap for gap in gaps)


def test_each_figure_links_to_the_list_behind_it(client_for, secretary, agency, year_records):
    html = page(client_for, secretary)
    link = figure_link(html, "group-leading")
    assert link.startswith(reverse("activities:list"))
    assert f"year={YEAR}" in link and "group=leading" in link and "status=approved" in link
    assert f"organization={agency.pk}" in link
    response = client_for(secretary).get(link)
    assert response.status_code == 200
    expected = sum(1 for a in year_records["approved"] if a.group == Group.LEADING)
    assert response.context["page"].paginator.count == expected
    waiting = client_for(secretary).get(figure_link(html, "awaiting-review"))
    assert waiting.context["page"].paginator.count == int(figure(html, "awaiting-review")) == 2
    overdue = figure_link(html, "rectification-overdue")
    assert overdue.startswith(reverse("records:rectification_list")) and "overdue=1" in overdue


def test_the_charts_get_their_data_without_inline_script(client_for, secretary, year_records):
    html = page(client_for, secretary)
    assert re.search(r'<script id="dashboard-data" type="application/json">', html)
    # The rectification ring only once there are items (tests/reports/test_overdue_one_rule.py).
    for name in ("activities", "attendance"):
        assert f'data-chart="{name}"' in html
    for name in ("activities", "attendance", "rectification"):
        assert f'id="table-{name}"' in html
    inline = [
        s for s in re.findall(r"<script([^>]*)>", html) if "src=" not in s and "application/json" not in s
    ]
    assert inline == []


def test_the_year_defaults_to_this_year(client_for, secretary, year_records):
    html = client_for(secretary).get(URL).content.decode()
    assert f'<option value="{timezone.localdate().year}" selected>' in html


def test_a_branch_can_be_chosen_and_shows_only_its_records(client_for, secretary, branch, year_records):
    html = page(client_for, secretary, org=branch.code)
    on_branch = [a for a in year_records["approved"] if a.organization_id == branch.pk]
    assert figure(html, "activities") == str(len(on_branch))


# --- who may open it ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretary", "admin_user", "committee_admin"])
def test_secretaries_and_admins_open_our_dashboard(client_for, request, who, agency):
    user = request.getfixturevalue(who)
    response = client_for(user).get(URL, {"org": agency.code})
    assert response.status_code == 200
    assert agency.name in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "recorder"])
def test_staff_and_recorders_may_not_open_the_dashboard(client_for, request, who, agency):
    client = client_for(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"org": agency.code}).status_code == 403


def test_another_agencys_secretary_gets_404_for_ours(client_for, outsider, agency, branch):
    client = client_for(outsider)
    assert client.get(URL, {"org": agency.code}).status_code == 404
    assert client.get(URL, {"org": branch.code}).status_code == 404
    assert client.get(URL).status_code == 200  # their own


def test_a_committee_admin_lands_on_the_overview(client_for, committee_admin):
    response = client_for(committee_admin).get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("dashboard:overview"))


@pytest.mark.parametrize(
    "url",
    [
        URL,
        reverse("dashboard:overview"),
        reverse("dashboard:overview_xlsx"),
        reverse("dashboard:review_approve", args=[1]),
        reverse("dashboard:review_return", args=[1]),
    ],
)
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [URL, reverse("dashboard:overview"), reverse("dashboard:overview_xlsx")])
def test_the_pages_only_answer_get(client_for, committee_admin, url):
    assert client_for(committee_admin).post(url).status_code == 405


def test_review_endpoints_only_answer_post(client_for, secretary, year_records):
    submitted = next(a for a in year_records["not_counted"] if a.status == Activity.Status.SUBMITTED)
    client = client_for(secretary)
    assert client.get(reverse("dashboard:review_approve", args=[submitted.pk])).status_code == 405
    assert client.get(reverse("dashboard:review_return", args=[submitted.pk])).status_code == 405


# --- query budget ------------------------------------------------------------------------------


def _more_of_everything(agency, branch, staff, members, n):
    for i in range(n):
        activity = ActivityFactory(
            organization=branch if i % 2 else agency,
            kind=list(Kind)[i % len(Kind)],
            date=datetime.date(YEAR, i % 12 + 1, 5),
            recorded_by=staff,
            status=Activity.Status.SUBMITTED if i % 5 == 0 else Activity.Status.APPROVED,
        )
        for person in members:
            AttendanceFactory(activity=activity, person=person)
        RectificationItemFactory(agency=agency, year=YEAR, deadline=datetime.date(YEAR, 6, 1))
        StudyPoints.objects.create(person=UserFactory(agency=agency, branch=branch), year=YEAR, points=i)


# The session and the user (2), the roles (1), the user's agency (1); the plan's items (1, the done
# side comes from the monthly counts); the review queue's first rows with the count alongside (1);
# the approved records for completeness (1); the monthly counts (1); the active norms, which give
# the central-group norm and feed the norms engine (1); points per member, counted under the
# threshold (1); rectification (1); attendance per person with their names (the yearly summary rows,
# 1); the norms engine: branches, counts (2), and again for the current period's rules due (2; in
# the first days of January 2 more for the year that just ended); the year before's activities
# (year on year, 1); the years with data (1); the organizations of the picker (1).
DASHBOARD_QUERIES = 19


@pytest.mark.parametrize("n", [2, 40])
def test_the_dashboard_runs_the_same_queries_whatever_the_number_of_records(
    client_for, secretary, agency, branch, staff, members, django_assert_num_queries, n, today_is
):
    today_is(datetime.date(YEAR, 6, 15))
    agency.low_points_threshold = 10
    agency.save()
    _more_of_everything(agency, branch, staff, members, n)
    client = client_for(secretary)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200


# --- the summary rows against the records ------------------------------------------------------


def _raw_low_attendance(agency, year):
    """The low-attendance list as the attendance rows themselves say it (no summary row)."""
    rows = Attendance.objects.filter(
        activity__organization__path__startswith=agency.path,
        activity__date__year=year,
        activity__status=Activity.Status.APPROVED,
        activity__deleted_at__isnull=True,
        person__agency=agency,
    )
    counts = {}
    for person_id, status in rows.values_list("person_id", "status"):
        counts.setdefault(person_id, {"present": 0, "leave": 0, "absent": 0})[status] += 1
    low = []
    for person_id, c in counts.items():
        invited = sum(c.values())
        if c["present"] / invited < float(LOW_ATTENDANCE_RATE):
            low.append((person_id, c["present"], c["leave"], c["absent"]))
    return sorted(low)


def test_the_low_attendance_list_follows_the_records_through_the_services(
    agency, branch, secretary, staff, members
):
    """Records approved, changed, returned and deleted through the services, with no rebuild: the
    list read from the yearly summary rows is what the attendance rows say at every step."""
    a, b, c, d = members

    def record(day, attendance):
        activity = services.activity_create(
            by=staff,
            organization=branch,
            kind=Kind.WEEKLY_STUDY,
            date=datetime.date(YEAR, 3, day),
            title=f"第{day}次学习",
            attendance=attendance,
        )
        services.activity_submit(activity=activity, by=staff)
        return activity

    def listed():
        return sorted(
            (p.person_id, p.present, p.on_leave, p.absent)
            for p in low_attendance(organization=agency, year=YEAR)
        )

    first = record(1, {a: "present", b: "absent", c: "leave"})
    second = record(2, {a: "present", b: "present", c: "present", d: "absent"})
    services.activity_approve(activity=first, by=secretary)
    assert listed() == _raw_low_attendance(agency, YEAR) and {p[0] for p in listed()} == {b.pk, c.pk}
    services.activity_return(activity=second, by=secretary, comment="补材料")
    assert listed() == _raw_low_attendance(agency, YEAR)
    services.activity_update(activity=second, by=staff, title="补好了")
    services.activity_submit(activity=second, by=staff)
    services.activity_approve(activity=second, by=secretary)
    assert listed() == _raw_low_attendance(agency, YEAR)
    services.activity_update(
        activity=first, by=secretary, attendance={a: "present", b: "present", c: "present"}
    )
    assert listed() == _raw_low_attendance(agency, YEAR) and [p[0] for p in listed()] == [d.pk]
    services.activity_delete(activity=second, by=secretary)
    assert listed() == _raw_low_attendance(agency, YEAR) == []


def test_a_branch_dashboard_counts_only_the_branchs_records(agency, branch, staff, members):
    a = members[0]
    ActivityFactory(organization=agency, date=datetime.date(YEAR, 1, 5), recorded_by=staff)
    AttendanceFactory(activity=Activity.objects.get(organization=agency), person=a, status="absent")
    at_branch = ActivityFactory(organization=branch, date=datetime.date(YEAR, 1, 6), recorded_by=staff)
    AttendanceFactory(activity=at_branch, person=a, status="present")
    assert [p.name for p in low_attendance(organization=agency, year=YEAR)] == [a.real_name]
    assert low_attendance(organization=branch, year=YEAR) == []


BLANK_NOTES = ["", "  ", "\n\u3000\t", "有记录", " 有 "]


def test_the_incomplete_count_applies_the_same_rules_as_missing_items(branch, staff, leader):
    """Every kind with and without what its rules ask, including notes of whitespace only (Python's
    str.strip() and SQL's LTRIM must agree): the records the SQL condition keeps are exactly those
    `missing_items` finds something missing in, and the count is theirs."""
    for index, kind in enumerate(Kind.values):
        for variant in range(len(BLANK_NOTES)):
            activity = ActivityFactory(
                organization=branch,
                kind=kind,
                date=datetime.date(YEAR, 1 + index % 12, 1 + variant),
                recorded_by=staff,
                notes=BLANK_NOTES[variant],
                location=["", "纪念馆", " "][variant % 3],
                speaker=leader if variant % 2 else None,
                speaker_name=["", "\u3000", "党校老师"][variant % 3],
                outside_headcount=variant % 2,
                households_reached=[None, 0, 3][variant % 3],
                enterprises_reached=[None, 2, 0][variant % 3],
            )
            if variant % 2:
                AttendanceFactory(activity=activity, person=staff)
    approved = Activity.objects.alive().filter(status=Activity.Status.APPROVED)
    judged = {
        activity.pk: missing_items(activity) for activity in approved.annotate(**completeness_annotations())
    }
    expected = sorted(pk for pk, missing in judged.items() if missing)
    listed, count = incomplete_records_counted(approved.order_by("id"))
    assert [activity.pk for activity in listed] == expected
    assert count == len(expected) and 0 < count < len(judged)
    assert all(activity.missing == judged[activity.pk] for activity in listed)
    first, count = incomplete_records_counted(approved.order_by("id"), 3)
    assert [activity.pk for activity in first] == expected[:3] and count == len(expected)
