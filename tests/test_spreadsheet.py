import datetime
import decimal
import io
import zipfile

import openpyxl
import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from studyportal import spreadsheet
from studyportal.spreadsheet import (
    XLSX_CONTENT_TYPE,
    Column,
    Sheet,
    safe_cell,
    safe_row,
    write_xlsx,
    xlsx_download,
)


@pytest.mark.parametrize("text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_would_run_is_written_as_text(text, tmp_path):
    path = tmp_path / "out.xlsx"
    book = openpyxl.Workbook()
    book.active.append([safe_cell(text)])
    book.save(path)
    cell = openpyxl.load_workbook(path).active["A1"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text


def test_numbers_dates_and_plain_text_are_kept():
    day = datetime.date(2022, 3, 5)
    assert safe_row([3, 1.5, day, "学习", None, True]) == [3, 1.5, day, "学习", "", True]


def _written(tmp_path, *sheets):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, sheets)
    return openpyxl.load_workbook(path)


COLUMNS = [Column("日期", 12), Column("内容", 40), Column("比例", 10, "0.0%")]


@pytest.mark.parametrize(
    "text", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "<r><t>x</t></r>"]
)
def test_the_xlsx_writer_keeps_text_that_a_spreadsheet_would_run_as_text(text, tmp_path):
    cell = _written(tmp_path, Sheet("表", COLUMNS, [[None, text]])).active["B2"]
    assert cell.data_type == "s"
    assert cell.value == ("'" + text).replace("\r", "\n")


def test_a_line_break_in_text_is_a_line_feed(tmp_path):
    sheet = _written(tmp_path, Sheet("表", COLUMNS, [[None, "第一行\r\n第二行\r第三行"]])).active
    assert sheet["B2"].value == "第一行\n第二行\n第三行"


def test_the_xlsx_writer_neither_links_nor_converts_plain_text(tmp_path):
    sheet = _written(tmp_path, Sheet("表", COLUMNS, [[None, "http://example.com"], [None, "0012"]])).active
    assert sheet["B2"].value == "http://example.com" and sheet["B2"].hyperlink is None
    assert sheet["B3"].value == "0012"


def test_every_sheet_has_a_bold_frozen_header_and_the_widths_of_its_columns(tmp_path):
    book = _written(tmp_path, Sheet("一", COLUMNS, [[None, "学习"]]), Sheet("二", COLUMNS, []))
    assert book.sheetnames == ["一", "二"]
    for sheet in book.worksheets:
        assert [cell.value for cell in sheet[1]] == ["日期", "内容", "比例"]
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert round(sheet.column_dimensions["B"].width) == 41  # Excel adds its padding
    assert book["二"].max_row == 1


def test_dates_numbers_and_empty_cells_keep_their_types(tmp_path, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    noon_utc = datetime.datetime(2022, 3, 5, 4, 0, tzinfo=datetime.timezone.utc)
    rows = [
        [datetime.date(2022, 3, 5), decimal.Decimal("1.5"), 0.875],
        [noon_utc, "", True],
    ]
    sheet = _written(tmp_path, Sheet("表", COLUMNS, rows)).active
    assert sheet["A2"].value == datetime.datetime(2022, 3, 5) and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].value == 1.5
    assert sheet["C2"].value == 0.875 and sheet["C2"].number_format == "0.0%"
    assert sheet["A3"].value == datetime.datetime(2022, 3, 5, 12, 0)  # shown in local time
    assert sheet["B3"].value is None
    assert sheet["C3"].value is True


def test_rows_past_the_sheet_limit_continue_on_numbered_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS_PER_SHEET", 3)  # the header and two rows
    long_title = "很长的名称" * 7  # past Excel's 31 characters for a sheet name
    book = _written(tmp_path, Sheet(long_title, COLUMNS, ([None, str(n)] for n in range(5))))
    assert [len(name) for name in book.sheetnames] == [31, 31, 31]
    assert book.sheetnames[1].endswith(" (2)") and book.sheetnames[2].endswith(" (3)")
    assert [[row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] for sheet in book] == [
        ["0", "1"],
        ["2", "3"],
        ["4"],
    ]
    assert all(sheet["B1"].value == "内容" and sheet.freeze_panes == "A2" for sheet in book)


def test_a_download_is_an_xlsx_attachment(db):
    response = xlsx_download("台账.xlsx", [Sheet("表", COLUMNS, [[None, "学习"]])])
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["B2"].value == "学习"


def _by_cell(worksheet, row, values):
    """A row as XlsxWriter's own cell writers put it, one call a cell: what `write_values` must match."""
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, bool):
            worksheet.write_boolean(row, col, value, worksheet._text_format)
        elif isinstance(value, (int, float, decimal.Decimal)):
            worksheet.write_number(row, col, value, worksheet._number_formats[col])
        elif isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value)
            worksheet.write_datetime(row, col, value, worksheet._datetime_format)
        elif isinstance(value, datetime.date):
            worksheet.write_datetime(row, col, value, worksheet._date_format)
        elif text := str(value):
            worksheet.write_string(row, col, spreadsheet._text(text), worksheet._text_format)


def _parts(path):
    with zipfile.ZipFile(path) as book:
        # Everything but the time the file was made.
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def test_rows_written_at_once_make_the_file_xlsxwriter_makes_cell_by_cell(tmp_path, monkeypatch, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    monkeypatch.setattr(spreadsheet, "MAX_ROWS_PER_SHEET", 5)  # and on a continued sheet
    texts = [
        "学习《党章》",
        "A & B <c>",
        " 前有空格",
        "后有空格 ",
        "\u3000全角空格",
        "响铃\x07字符",
        "_x0041_",
        "=1+1",
        "<r><t>x</t></r>",
        "第一行\r\n第二行",
        "长" * 40_000,
        "😀" * 20_000,
        "",
        gettext_lazy("Yes"),
    ]
    rows = [
        [datetime.date(2022, 3, 5), text, number]
        for text, number in zip(
            texts,
            [3, 0, -5, 10**20, 0.875, 1e-7, decimal.Decimal("1.50"), decimal.Decimal("2"), True, False, None],
            strict=False,
        )
    ]
    rows += [
        [datetime.datetime(2022, 3, 5, 4, 0, tzinfo=datetime.timezone.utc), None, 1],
        [datetime.datetime(2022, 3, 5, 12, 30), "", 2],
        [None, "", None],  # no cell: no row
        [None, None, 0.5, "past the columns", datetime.date(1900, 1, 1)],
    ]
    sheets = [
        Sheet("表", COLUMNS, rows),
        Sheet("换行", COLUMNS, rows, wrap_text=True),
        Sheet("空", COLUMNS, []),
    ]
    write_xlsx(tmp_path / "at-once.xlsx", sheets)
    monkeypatch.setattr(spreadsheet._Worksheet, "write_values", _by_cell)
    write_xlsx(tmp_path / "by-cell.xlsx", sheets)
    at_once, by_cell = _parts(tmp_path / "at-once.xlsx"), _parts(tmp_path / "by-cell.xlsx")
    assert at_once.keys() == by_cell.keys() and len(at_once) > 10
    for name in by_cell:
        assert at_once[name] == by_cell[name], name


@pytest.mark.parametrize("number", [float("nan"), float("inf"), decimal.Decimal("NaN")])
def test_a_number_excel_cannot_hold_is_refused_as_xlsxwriter_refuses_it(tmp_path, number):
    with pytest.raises(TypeError):
        write_xlsx(tmp_path / "out.xlsx", [Sheet("表", COLUMNS, [[None, None, number]])])
