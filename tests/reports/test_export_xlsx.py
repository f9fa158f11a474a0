"""The Excel ledger of a year, read back with openpyxl."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone, translation

from activities.models import Activity, Attendance, Kind, Publicity, StudyMaterial, StudyPoints
from reports.exporters import xlsx
from reports.exporters.xlsx import ledger_workbook
from studyportal import spreadsheet
from studyportal.accounts.models import Organization
from tests.factories import ActivityFactory, AttendanceFactory, RectificationItemFactory


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def ledger(agency, branch, other_agency, staff, secretary, leader):
    """Approved records of 2022 in each group, plus records that must stay out of the ledger."""

    def activity(kind, day, **kwargs):
        kwargs.setdefault("organization", branch)
        kwargs.setdefault("date", datetime.date(2022, *day))
        return ActivityFactory(kind=kind, recorded_by=secretary, **kwargs)

    lecture = activity(
        Kind.PARTY_LECTURE,
        (3, 1),
        title="学习贯彻党的二十大精神专题党课",
        speaker=leader,
        given_by_leader=True,
    )
    lecture.materials.add(
        StudyMaterial.objects.create(title="习近平谈治国理政（第四卷）"),
        StudyMaterial.objects.create(title="百年大党面对面"),
    )
    AttendanceFactory(activity=lecture, person=staff)
    AttendanceFactory(activity=lecture, person=secretary)
    AttendanceFactory(activity=lecture, person=leader, status=Attendance.Status.LEAVE)
    activity(Kind.CENTRAL_GROUP_STUDY, (2, 10), organization=agency, title='=HYPERLINK("http://x")')
    activity(Kind.WEEKLY_STUDY, (5, 6), speaker_name="县委党校王教授")
    activity(
        Kind.FIELD_VISIT, (6, 30), title="学先烈锐意进取", location="县革命历史纪念馆", oath_renewed=True
    )
    activity(Kind.HOUSEHOLD_VISIT, (9, 9), title="入户走访脱贫户", households_reached=12)
    # Not ledger entries: a draft, a deleted record, another year, another agency.
    activity(Kind.WEEKLY_STUDY, (4, 1), status=Activity.Status.DRAFT)
    activity(Kind.WEEKLY_STUDY, (4, 2), deleted_at=timezone.now())
    activity(Kind.WEEKLY_STUDY, (4, 3), date=datetime.date(2021, 4, 3))
    activity(Kind.WEEKLY_STUDY, (4, 4), organization=other_agency)

    RectificationItemFactory(agency=agency, problem="学习积分个别偏低", deadline=datetime.date(2023, 6, 30))
    RectificationItemFactory(agency=other_agency, problem="另一局的问题")
    StudyPoints.objects.create(person=staff, year=2022, points=7200)
    StudyPoints.objects.create(person=staff, year=2022, month=3, points=600)
    StudyPoints.objects.create(person=staff, year=2021, points=9000)
    Publicity.objects.create(
        agency=agency,
        date=datetime.date(2022, 8, 1),
        title="我局开展企业服务",
        outlet="福建日报",
        level="provincial",
    )


def _workbook(organizations, year=2022):
    stream = io.BytesIO()
    ledger_workbook(organizations=organizations, year=year, stream=stream)
    stream.seek(0)
    return openpyxl.load_workbook(stream)


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_workbook_has_a_sheet_per_group_and_per_register(agency, ledger):
    book = _workbook(agency.subtree())
    assert book.sheetnames == ["领学", "助学", "检学", "整改事项", "学习积分", "上稿"]
    header = [cell.value for cell in book["领学"][1]]
    assert header[:6] == ["日期", "单位", "类型", "主题", "地点", "主讲人/领学人"]
    assert "学习内容" in header
    assert "重温入党誓词" in [cell.value for cell in book["助学"][1]]
    assert "走访户数" in [cell.value for cell in book["检学"][1]]


def test_only_approved_live_records_of_the_year_and_the_organizations_are_rows(agency, ledger):
    book = _workbook(agency.subtree())
    counts = {name: len(_rows(book[name])) for name in book.sheetnames}
    assert counts == {"领学": 3, "助学": 1, "检学": 1, "整改事项": 1, "学习积分": 2, "上稿": 1}


def test_an_activity_row_reads_as_the_ledger_keeps_it(agency, branch, ledger):
    book = _workbook(agency.subtree())
    header = [cell.value for cell in book["领学"][1]]
    rows = [dict(zip(header, row, strict=True)) for row in _rows(book["领学"])]
    lecture = rows[1]  # rows run by date: 2-10, 3-1, 5-6
    assert lecture["日期"] == datetime.datetime(2022, 3, 1)
    assert lecture["单位"] == branch.name
    assert lecture["类型"] == "党课"
    assert lecture["主讲人/领学人"] == "赵局长"
    assert lecture["领导授课"] == "是"
    assert (lecture["实到人数"], lecture["应到人数"]) == (2, 3)
    assert lecture["学习内容"] == "《习近平谈治国理政（第四卷）》《百年大党面对面》"
    assert lecture["状态"] == "已审核"
    assert rows[2]["主讲人/领学人"] == "县委党校王教授"


def test_dates_are_dates_and_formulas_are_text(agency, ledger):
    book = _workbook(agency.subtree())
    sheet = book["领学"]
    date_cell = sheet["A2"]
    assert date_cell.is_date
    assert date_cell.number_format == "yyyy-mm-dd"
    title_cell = sheet["D2"]
    assert title_cell.data_type == "s"
    assert title_cell.value == '\'=HYPERLINK("http://x")'
    assert book["整改事项"]["H2"].is_date  # the deadline (the rectification page's columns)


def test_header_rows_are_frozen_and_columns_have_widths(agency, ledger):
    book = _workbook(agency.subtree())
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["A"].width >= 10


def test_a_committee_ledger_covers_every_agency(committee, agency, other_agency, ledger):
    book = _workbook(committee.subtree())
    assert len(_rows(book["领学"])) == 4
    assert {row[2] for row in _rows(book["整改事项"])} == {"学习积分个别偏低", "另一局的问题"}


def test_an_empty_year_still_has_every_sheet_with_its_header(agency, ledger):
    book = _workbook(agency.subtree(), year=2030)
    assert book.sheetnames == ["领学", "助学", "检学", "整改事项", "学习积分", "上稿"]
    assert all(sheet.max_row == 1 for sheet in book.worksheets)


def test_a_sheet_past_the_row_limit_continues_on_a_numbered_sheet(agency, branch, secretary, monkeypatch):
    for day in range(1, 8):
        ActivityFactory(organization=branch, date=datetime.date(2022, 1, day), recorded_by=secretary)
    monkeypatch.setattr(spreadsheet, "MAX_ROWS_PER_SHEET", 3)  # the header and two rows
    book = _workbook(agency.subtree())
    leading = [name for name in book.sheetnames if name.startswith("领学")]
    assert leading == ["领学", "领学 (2)", "领学 (3)", "领学 (4)"]
    assert [len(_rows(book[name])) for name in leading] == [2, 2, 2, 1]
    assert all(book[name]["A1"].value == "日期" for name in leading)
    days = [row[0].day for name in leading for row in _rows(book[name])]
    assert days == list(range(1, 8))


def test_materials_are_read_once_per_chunk_and_stay_with_their_rows(
    agency, branch, secretary, monkeypatch, django_assert_num_queries
):
    material = StudyMaterial.objects.create(title="党的二十大报告")
    for day in range(1, 6):
        activity = ActivityFactory(
            organization=branch, date=datetime.date(2022, 1, day), recorded_by=secretary
        )
        if day % 2:
            activity.materials.add(material)
    monkeypatch.setattr(xlsx, "CHUNK_SIZE", 2)
    organizations = Organization.objects.filter(pk__in=[agency.pk, branch.pk])
    # 领学: the activities, the materials of each of its 3 chunks; 助学 and 检学: their activities
    # (none, so no materials); then rectification, points and publicity.
    with django_assert_num_queries(1 + 3 + 2 + 3):
        book = _workbook(organizations)
    assert [row[11] or "" for row in _rows(book["领学"])] == [
        "《党的二十大报告》",
        "",
        "《党的二十大报告》",
        "",
        "《党的二十大报告》",
    ]


def test_the_number_of_queries_does_not_grow_with_the_rows(
    agency, branch, secretary, staff, ledger, django_assert_num_queries
):
    for day in range(1, 30):
        activity = ActivityFactory(
            organization=branch, date=datetime.date(2022, 2, day % 28 + 1), recorded_by=secretary
        )
        AttendanceFactory(activity=activity, person=staff)
    # Per group: the activities with their attendance counts, the materials of the one chunk (3 + 3);
    # then rectification, points and publicity.
    with django_assert_num_queries(9):
        _workbook(agency.subtree())
