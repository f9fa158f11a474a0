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
from studyportal.accounts.models import Organization
from tests.factories import ActivityFactory, AttendanceFactory, OrganizationFactory, RectificationItemFactory

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
