"""Cells written to CSV and XLSX exports, and the one way every XLSX export lays out its sheets.

Spreadsheet programs run a cell that starts with = + - @ (or a tab / carriage return before them) as a
formula. User text is therefore written with a leading apostrophe, which Excel and WPS show as the
text itself.

XLSX exports are written with XlsxWriter in constant-memory mode: each row goes to a temporary file as
soon as the next one starts, so a county's year of ledgers takes the memory of one row, and the cells
are written by type (never guessed from the text, so no text becomes a formula or a link). Every sheet
gets the same bold, centred header row, frozen, with the column widths its columns name.
"""

import datetime
import decimal
import tempfile
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone

from studyportal.downloads import as_download

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel's limit, header row included; tests lower it to see the split.
MAX_ROWS_PER_SHEET = 1_048_576
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Past this size a download is spooled to disk rather than held in memory.
SPOOL_BYTES = 8 * 1024 * 1024


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


class Column(NamedTuple):
    label: str
    width: float
    # For numbers in the column, e.g. "0.0%"; dates always read as DATE_FORMAT.
    number_format: str | None = None


class Sheet(NamedTuple):
    """A header of `columns`, then `rows` (iterables of plain values: text, numbers, dates, None)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    # Long text wrapped within its column, for short registers read on screen.
    wrap_text: bool = False


def write_xlsx(target, sheets: Iterable[Sheet]) -> None:
    """Write `sheets` as one workbook to `target` (a path or a seekable binary file).

    A sheet whose rows pass Excel's row limit continues on "title (2)", "title (3)" and so on, each
    with the header again; a sheet without rows still has its header.
    """
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            # Belt and braces: the typed writers below never guess, but write() would.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = _Formats(book)
    try:
        for sheet in sheets:
            _write_sheet(book, formats, sheet)
    finally:
        book.close()


def xlsx_download(filename: str, sheets: Iterable[Sheet], fallback: str | None = None) -> FileResponse:
    """`sheets` as a workbook download named `filename` (ASCII `fallback`), spooled to disk when large."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    try:
        write_xlsx(handle, sheets)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return as_download(FileResponse(handle, content_type=XLSX_CONTENT_TYPE), filename, fallback)


class _Formats:
    """The workbook's formats, made once: XlsxWriter keeps one style record per format object."""

    def __init__(self, book):
        self.book = book
        self.header = book.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "bg_color": "#F2F2F2"}
        )
        self._made = {}

    def get(self, num_format=None, wrap_text=False):
        key = (num_format, wrap_text)
        if key not in self._made:
            properties = {}
            if num_format:
                properties["num_format"] = num_format
            if wrap_text:
                properties.update(text_wrap=True, valign="top")
            self._made[key] = self.book.add_format(properties) if properties else None
        return self._made[key]


def _new_worksheet(book, formats, sheet: Sheet, number: int):
    suffix = "" if number == 1 else f" ({number})"
    worksheet = book.add_worksheet(sheet.title[: 31 - len(suffix)] + suffix)  # Excel's limit on names
    for index, column in enumerate(sheet.columns):
        worksheet.set_column(index, index, column.width)
    worksheet.freeze_panes(1, 0)
    for index, column in enumerate(sheet.columns):
        worksheet.write_string(0, index, _text(str(column.label)), formats.header)
    return worksheet


def _text(text: str) -> str:
    # XlsxWriter copies text shaped "<r>…</r>" into the file as rich-text markup, unescaped.
    if text.startswith(FORMULA_PREFIXES) or (text.startswith("<r>") and text.endswith("</r>")):
        text = "'" + text
    if "\r" in text:
        # A line break in a cell is a bare line feed; a carriage return would be stored as "_x000D_",
        # which some readers show as it is.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _write_sheet(book, formats, sheet: Sheet) -> None:
    text_format = formats.get(wrap_text=sheet.wrap_text)
    date_format = formats.get(DATE_FORMAT, sheet.wrap_text)
    datetime_format = formats.get(DATETIME_FORMAT, sheet.wrap_text)
    number_formats = [formats.get(column.number_format, sheet.wrap_text) for column in sheet.columns]
    limit = MAX_ROWS_PER_SHEET
    worksheet = None
    number = 0
    row = limit
    # The innermost loop of a million-row ledger: plain type checks and bound methods, no isinstance
    # chain and no write() that would guess a type from the text.
    for values in sheet.rows:
        if row >= limit:
            number += 1
            worksheet = _new_worksheet(book, formats, sheet, number)
            write_string = worksheet.write_string
            write_number = worksheet.write_number
            write_datetime = worksheet.write_datetime
            write_boolean = worksheet.write_boolean
            row = 1
        for col, value in enumerate(values):
            if value is None:
                continue  # no cell at all: smaller and faster than an empty string
            kind = value.__class__
            if kind is str:
                if value:
                    write_string(row, col, _text(value), text_format)
            elif kind is int or kind is float or kind is decimal.Decimal:
                write_number(row, col, value, number_formats[col])
            elif kind is datetime.date:
                write_datetime(row, col, value, date_format)
            elif kind is bool:
                write_boolean(row, col, value, text_format)
            elif kind is datetime.datetime:
                if timezone.is_aware(value):
                    value = timezone.make_naive(value)
                write_datetime(row, col, value, datetime_format)
            else:  # lazy translations, choices and the like
                text = str(value)
                if text:
                    write_string(row, col, _text(text), text_format)
        row += 1
    if worksheet is None:
        _new_worksheet(book, formats, sheet, 1)
