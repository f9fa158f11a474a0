import datetime

import openpyxl
import pytest

from studyportal.spreadsheet import safe_cell, safe_row


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
