"""The committee's overview: one row per agency, sortable, exported to Excel."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Activity, Attendance, Kind, RectificationItem
from reports.models import Summary
from reports.selectors import overview as overview_selectors
from studyportal.accounts.models import Organization, Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    OrganizationFactory,
    RectificationItemFactory,
    RoleAssignmentFactory,
    UserFactory,
)

YEAR = 2022
URL = reverse("dashboard:overview")
XLSX = reverse("dashboard:overview_xlsx")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _record(organization, kind, month, staff, status=Activity.Status.APPROVED):
    return ActivityFactory(
        organization=organization,
        kind=kind,
        date=datetime.date(YEAR, month, 8),
        status=status,
        recorded_by=staff,
    )


@pytest.fixture
def two_agencies(agency, branch, other_agency, other_branch, staff, secretary, outsider):
    ours = [
        _record(agency, Kind.CENTRAL_GROUP_STUDY, 1, staff),
        _record(agency, Kind.CENTRAL_GROUP_SEMINAR, 2, staff),
        _record(branch, Kind.BRANCH_ASSEMBLY, 1, staff),
        _record(branch, Kind.WEEKLY_STUDY, 4, staff),
    ]
    _record(branch, Kind.WEEKLY_STUDY, 5, staff, status=Activity.Status.DRAFT)
    theirs = [_record(other_branch, Kind.FIELD_VISIT, 3, outsider)]
    AttendanceFactory(activity=ours[0], person=staff)
    AttendanceFactory(activity=ours[0], person=secretary, status=Attendance.Status.ABSENT)
    AttendanceFactory(activity=theirs[0], person=outsider)
    past = timezone.localdate() - datetime.timedelta(days=1)
    RectificationItemFactory(agency=agency, year=YEAR, deadline=past)
    RectificationItemFactory(agency=agency, year=YEAR, status=RectificationItem.Status.IN_PROGRESS)
    RectificationItemFactory(agency=other_agency, year=YEAR, status=RectificationItem.Status.CLOSED)
    Summary.objects.create(agency=agency, year=YEAR, status=Summary.Status.FINAL)
    return ours, theirs


def rows(html):
    """{agency code: {column: text}} as the table shows them, in order."""
    table = {}
    for code, body in re.findall(r'<tr data-agency="([^"]+)">(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'data-col="(\w+)">(.*?)</td>', body, re.S))
        table[code] = {key: re.sub(r"<[^>]+>", "", value).strip() for key, value in cells.items()}
    return table


def test_each_agency_is_a_row_with_its_own_figures(
    client_for, committee_admin, two_agencies, agency, other_agency
):
    ours, theirs = two_agencies
    html = client_for(committee_admin).get(URL, {"year": YEAR}).content.decode()
    table = rows(html)
    assert set(table) == {agency.code, other_agency.code}
    assert table[agency.code]["activities"] == str(len(ours))
    assert table[agency.code]["central_group"] == "2"
    assert table[agency.code]["attendance"] == "50.0%"
    assert table[agency.code]["open"] == "2" and table[agency.code]["overdue"] == "1"
    assert table[other_agency.code]["activities"] == str(len(theirs))
    assert table[other_agency.code]["open"] == "0"
    assert "定稿" in table[agency.code]["summary"] or "Final" in table[agency.code]["summary"]


def test_norm_compliance_counts_the_periods_met_among_those_due(
    client_for, committee_admin, two_agencies, agency
):
    html = client_for(committee_admin).get(URL, {"year": YEAR}).content.decode()
    met, due = map(int, rows(html)[agency.code]["norms"].split("/"))
    # 2022 is over: every period is due. The branch held its assembly in Q1 only; the agency's
    # central group met in Q1 only.
    assert due > 0 and 0 < met < due


@pytest.mark.parametrize(
    ("sort", "first"),
    [("activities", "other"), ("-activities", "agency"), ("overdue", "other"), ("-overdue", "agency")],
)
def test_rows_sort_by_the_column_asked(client_for, committee_admin, two_agencies, sort, first):
    html = client_for(committee_admin).get(URL, {"year": YEAR, "sort": sort}).content.decode()
    assert list(rows(html))[0] == first


def test_an_unknown_sort_falls_back_to_the_name(client_for, committee_admin, two_agencies):
    response = client_for(committee_admin).get(URL, {"year": YEAR, "sort": "password"})
    assert response.status_code == 200


def test_the_export_has_the_same_rows(client_for, committee_admin, two_agencies, agency):
    response = client_for(committee_admin).get(XLSX, {"year": YEAR, "sort": "-activities"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    assert values[1][0] == agency.name and values[1][1] == len(two_agencies[0])


def test_the_export_defuses_formulas_in_names(client_for, committee_admin, committee):
    OrganizationFactory(code="evil", name="=HYPERLINK(1)", kind=Organization.Kind.AGENCY, parent=committee)
    response = client_for(committee_admin).get(XLSX)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].value == "'=HYPERLINK(1)"


def test_an_agency_admin_sees_only_their_agency(client_for, admin_user, two_agencies, agency, other_agency):
    table = rows(client_for(admin_user).get(URL, {"year": YEAR}).content.decode())
    assert list(table) == [agency.code]


@pytest.mark.parametrize("who", ["staff", "secretary", "outsider"])
@pytest.mark.parametrize("url", [URL, XLSX])
def test_people_who_administer_nothing_may_not_see_it(client_for, request, who, url):
    assert client_for(request.getfixturevalue(who)).get(url).status_code == 403


def _more_agencies(committee, staff, n):
    for i in range(n):
        agency = OrganizationFactory(kind=Organization.Kind.AGENCY, parent=committee)
        branch = OrganizationFactory(kind=Organization.Kind.BRANCH, parent=agency)
        _record(branch, Kind.BRANCH_ASSEMBLY, i % 12 + 1, staff)
        _record(agency, Kind.CENTRAL_GROUP_STUDY, i % 12 + 1, staff)
        RectificationItemFactory(agency=agency, year=YEAR)
        Summary.objects.create(agency=agency, year=YEAR)


# The session and the user (2), the roles (1); the agencies (1), the monthly counts (1),
# rectification (1), summaries (1), the roots (1); the norms engine per root: rules, agencies,
# branches, counts (4); the rules due now, with the same rules: the norms engine per root for this
# year, 2026 (3; 3 more in the first days of January; none when the year shown is this year, whose
# counting the tally's is).
OVERVIEW_QUERIES = 16


@pytest.mark.parametrize("n", [1, 15])
def test_the_overview_runs_the_same_queries_whatever_the_number_of_agencies(
    client_for, committee_admin, committee, staff, django_assert_num_queries, n, today_is
):
    today_is(datetime.date(2026, 5, 20))
    _more_agencies(committee, staff, n)
    client = client_for(committee_admin)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == n + 1  # and the fixture's agency


def test_the_overview_of_this_year_counts_the_norms_once(
    client_for, committee_admin, committee, staff, django_assert_num_queries, today_is
):
    # The tally and the rules due now read the same year: its counting (agencies, branches, counts)
    # is shared, so three fewer queries than for another year.
    today_is(datetime.date(YEAR, 5, 20))
    _more_agencies(committee, staff, 3)
    client = client_for(committee_admin)
    with django_assert_num_queries(OVERVIEW_QUERIES - 3):
        response = client.get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == 4


def test_the_committee_finds_the_ledger_of_every_agency_on_the_overview(
    client_for, committee_admin, two_agencies, agency, other_agency
):
    client = client_for(committee_admin)
    html = client.get(URL, {"year": YEAR}).content.decode()
    href = html.split('id="committee-ledger" href="')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(href)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    titles = set()
    for sheet in book.worksheets:
        header, *lines = sheet.iter_rows(values_only=True)
        if "主题" in header:
            titles |= {line[header.index("主题")] for line in lines}
    assert {activity.title for activity in two_agencies[0] + two_agencies[1]} <= titles


def test_an_agency_admin_has_no_committee_ledger_link(client_for, admin_user, two_agencies):
    html = client_for(admin_user).get(URL, {"year": YEAR}).content.decode()
    assert 'id="committee-ledger"' not in html


def test_each_agency_shows_how_many_rules_are_amber_and_red_now(
    client_for, committee_admin, agency, branch, other_agency, other_branch, staff, today_is
):
    """On 2 April the first quarter has just ended: the branch held its assembly then, the other
    branch did not (red); neither has held April's monthly meetings yet (green, not counted)."""
    from activities.models import Norm

    today_is(datetime.date(2026, 4, 2))
    Norm.objects.update(is_active=False)
    Norm.objects.create(kind=Kind.BRANCH_ASSEMBLY, scope="branch", period="quarter", minimum=1, source="t")
    Norm.objects.create(kind=Kind.BRANCH_COMMITTEE, scope="branch", period="month", minimum=1, source="t")
    for month in (1, 2, 3):
        ActivityFactory(organization=branch, kind=Kind.BRANCH_COMMITTEE, date=datetime.date(2026, month, 5))
    ActivityFactory(organization=branch, kind=Kind.BRANCH_ASSEMBLY, date=datetime.date(2026, 3, 5))
    table = rows(client_for(committee_admin).get(URL, {"year": 2026}).content.decode())
    assert (table[agency.code]["amber"], table[agency.code]["red"]) == ("0", "0")
    # The other branch missed the quarter's assembly and March's committee meeting.
    assert (table[other_agency.code]["amber"], table[other_agency.code]["red"]) == ("0", "2")
    today_is(datetime.date(2026, 4, 28))
    table = rows(client_for(committee_admin).get(URL, {"year": 2026}).content.decode())
    assert table[agency.code]["amber"] == "1" and table[agency.code]["red"] == "0"  # April's meeting
    assert table[other_agency.code]["amber"] == "1" and table[other_agency.code]["red"] == "0"


# ---------------------------------------------------------------------------------------------
# Pages: a city's committee sees its 1,000 agencies fifty at a time (OVERVIEW_PAGE_SIZE).


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(overview_selectors, "OVERVIEW_PAGE_SIZE", 3)


def _agencies_of_every_shape(committee, staff):
    """Agencies unlike each other: one branch recording its meetings on the agency, two branches with
    a secretary's lecture given at the agency, a party group, an agency under an agency, none at all."""
    made = []
    for number, name in enumerate(["阿坝局", "北京处", "长沙办", "大理委", "鄂州院", "福州所", "赣州站"]):
        made.append(OrganizationFactory(kind=Organization.Kind.AGENCY, parent=committee, name=name))
        if number % 3 == 0:
            continue  # no branch
        first = OrganizationFactory(kind=Organization.Kind.BRANCH, parent=made[-1], name=f"{name}第一支部")
        _record(made[-1], Kind.BRANCH_COMMITTEE, number % 6 + 1, staff)  # on the agency itself
        _record(first, Kind.BRANCH_ASSEMBLY, 3, staff)
        if number % 2 == 0:
            second = OrganizationFactory(
                kind=Organization.Kind.BRANCH, parent=made[-1], name=f"{name}第二支部"
            )
            speaker = UserFactory(agency=made[-1], branch=second, party_group="第一党小组")
            RoleAssignmentFactory(user=speaker, organization=second, role=Role.SECRETARY)
            lecture = _record(made[-1], Kind.PARTY_LECTURE, 5, staff)
            Activity.objects.filter(pk=lecture.pk).update(speaker=speaker)
            _record(second, Kind.PARTY_GROUP_MEETING, 6, staff)
        _record(made[-1], Kind.CENTRAL_GROUP_STUDY, number % 12 + 1, staff)
        RectificationItemFactory(agency=made[-1], year=YEAR, deadline=datetime.date(YEAR, 2, 1))
        Summary.objects.create(agency=made[-1], year=YEAR, status=Summary.Status.DRAFT)
    # Under 北京处, and far from it in name order: on another page.
    inner = OrganizationFactory(kind=Organization.Kind.AGENCY, parent=made[1], name="直属中心")
    inner_branch = OrganizationFactory(kind=Organization.Kind.BRANCH, parent=inner, name="中心支部")
    _record(inner_branch, Kind.BRANCH_ASSEMBLY, 2, staff)
    _record(inner, Kind.CENTRAL_GROUP_STUDY, 2, staff)
    return [*made, inner]


def _figures(rows):
    return [
        (
            row.agency.code,
            row.stats,
            row.norms_met,
            row.norms_due,
            row.norms_amber,
            row.norms_red,
            row.rectification,
            row.summary_status,
        )
        for row in rows
    ]


@pytest.mark.parametrize("today", [datetime.date(YEAR, 6, 27), datetime.date(YEAR, 7, 3)])
@pytest.mark.parametrize(
    ("sort", "descending"),
    [("name", False), ("name", True), ("activities", True), ("attendance", False), ("red", True)],
)
def test_each_page_shows_what_the_whole_overview_shows(
    committee_admin, committee, two_agencies, staff, small_pages, today, sort, descending
):
    """A page in name order counts only its own agencies, one sorted by a sum is placed by the sums
    and then counted for its agencies: every figure and place must still be the whole overview's
    (the Excel file's), whatever the agency's shape and wherever the page cuts."""
    _agencies_of_every_shape(committee, staff)
    order = {"sort": sort, "descending": descending, "today": today}
    whole = overview_selectors.overview(committee_admin, year=YEAR, **order)
    assert len(whole) == 10
    assert any(row.norms_amber for row in whole) or any(row.norms_red for row in whole)
    assert any(row.norms_met for row in whole) and any(row.norms_due > row.norms_met for row in whole)
    pages = [
        overview_selectors.overview_page(committee_admin, year=YEAR, number=number, **order)
        for number in range(1, 5)
    ]
    assert [len(page.object_list) for page in pages] == [3, 3, 3, 1]
    assert _figures([row for page in pages for row in page.object_list]) == _figures(whole)


def test_a_page_in_name_order_runs_the_same_queries_whatever_the_number_of_agencies(
    client_for, committee_admin, committee, staff, small_pages, django_assert_num_queries, today_is
):
    today_is(datetime.date(2026, 5, 20))
    client = client_for(committee_admin)
    for n in (5, 20):
        _more_agencies(committee, staff, n)
        # The session and the user (2), the roles (1), the user's agency (1); the agencies (1), the
        # monthly counts (1), rectification (1), summaries (1); the norms engine for the page's
        # agencies: rules, branches, counts (3); the rules due now, for this year: branches, counts (2).
        with django_assert_num_queries(13):
            response = client.get(URL, {"year": YEAR, "page": 2})
        assert len(rows(response.content.decode())) == 3


def test_the_pages_lead_through_every_agency_once_keeping_the_sort(
    client_for, committee_admin, committee, staff, two_agencies, small_pages
):
    _more_agencies(committee, staff, 6)
    client = client_for(committee_admin)
    seen, url = [], f"{URL}?year={YEAR}&sort=-activities"
    while url:
        html = client.get(url).content.decode()
        seen += list(rows(html))
        assert "共8个单位" in re.sub(r"\s", "", re.sub(r"<[^>]+>", "", html))
        following = re.search(r'<a class="page-link" href="([^"]+)" rel="next">', html)
        url = URL + following.group(1).replace("&amp;", "&") if following else None
    whole = overview_selectors.overview(committee_admin, year=YEAR, sort="activities", descending=True)
    assert seen == [row.agency.code for row in whole]
    assert len(set(seen)) == 8


def test_the_search_keeps_the_agencies_whose_name_contains_it(
    client_for, committee_admin, committee, two_agencies, agency, other_agency
):
    client = client_for(committee_admin)
    found = rows(client.get(URL, {"year": YEAR, "q": agency.name[1:]}).content.decode())
    assert list(found) == [agency.code]
    assert found[agency.code]["activities"] == "4"  # its figures as without the search
    assert list(rows(client.get(URL, {"q": other_agency.code.upper()}).content.decode())) == [
        other_agency.code
    ]
    html = client.get(URL, {"q": "没有这样的单位"}).content.decode()
    assert rows(html) == {} and "没有名称包含该内容的单位" in html
    export = client.get(XLSX, {"year": YEAR, "q": agency.name})
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)] == [agency.name]
