"""Export of the filtered list: XLSX and CSV, safe against formula injection."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Kind
from tests.factories import ActivityFactory, AttendanceFactory


@pytest.fixture
def records(agency, other_agency, staff, outsider, leader):
    lecture = ActivityFactory(
        organization=agency,
        recorded_by=staff,
        kind=Kind.PARTY_LECTURE,
        title='=HYPERLINK("http://x")',
        speaker=leader,
    )
    AttendanceFactory(activity=lecture, person=staff)
    lecture.materials.create(title="百年大党面对面")
    ActivityFactory(organization=agency, recorded_by=staff, kind=Kind.WEEKLY_STUDY, title="每周学习")
    ActivityFactory(organization=other_agency, recorded_by=outsider, title="外局学习")
    return lecture


def test_csv_is_utf8_with_bom_and_follows_the_filters(client_for, staff, records):
    response = client_for(staff).get(
        reverse("activities:export"), {"format": "csv", "kind": Kind.PARTY_LECTURE}
    )
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:5] == ["日期", "单位", "类别", "活动类型", "主题"]
    assert len(rows) == 2
    lecture = rows[1]
    assert lecture[4] == '\'=HYPERLINK("http://x")'
    assert lecture[6] == "赵局长" and lecture[7] == "1" and "《百年大党面对面》" in lecture[10]


def test_xlsx_holds_the_visible_records_with_formulas_as_text(client_for, staff, records):
    response = client_for(staff).get(reverse("activities:export"), {"format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == sorted(['\'=HYPERLINK("http://x")', "每周学习"])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_xlsx_header_is_bold_frozen_and_the_columns_are_wide_enough(client_for, staff, records):
    response = client_for(staff).get(reverse("activities:export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]][:5] == ["日期", "单位", "类别", "活动类型", "主题"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width >= 40
    assert sheet["A2"].is_date and sheet["A2"].number_format == "yyyy-mm-dd"


def test_an_unknown_format_is_refused(client_for, staff, db):
    assert client_for(staff).get(reverse("activities:export"), {"format": "exe"}).status_code == 400


def test_the_list_links_to_the_export_of_the_same_filter(client_for, staff, records):
    html = client_for(staff).get(reverse("activities:list"), {"kind": Kind.PARTY_LECTURE}).content.decode()
    assert "/activities/export/?format=xlsx&amp;kind=party_lecture" in html
