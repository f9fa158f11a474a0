"""Cells written to CSV and XLSX exports.

Spreadsheet programs run a cell that starts with = + - @ (or a tab / carriage return before them) as a
formula, and openpyxl stores any string starting with "=" as one. User text is therefore written
with a leading apostrophe, which Excel and WPS show as the text itself.
"""

import datetime
import decimal

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as it may be written to a spreadsheet: numbers and dates as they are, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, decimal.Decimal, datetime.date, datetime.datetime, datetime.time)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(values):
    return [safe_cell(value) for value in values]


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(workbook, filename: str):
    """A small workbook as a download (a large ledger is streamed by its own view instead)."""
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response
