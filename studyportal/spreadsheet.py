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
import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

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
    worksheet = book.add_worksheet(  # Excel's limit on names
        sheet.title[: 31 - len(suffix)] + suffix, worksheet_class=_Worksheet
    )
    for index, column in enumerate(sheet.columns):
        worksheet.set_column(index, index, column.width)
    worksheet.freeze_panes(1, 0)
    for index, column in enumerate(sheet.columns):
        worksheet.write_string(0, index, _text(str(column.label)), formats.header)
    worksheet.prepare_rows(
        text_format=formats.get(wrap_text=sheet.wrap_text),
        date_format=formats.get(DATE_FORMAT, sheet.wrap_text),
        datetime_format=formats.get(DATETIME_FORMAT, sheet.wrap_text),
        number_formats=[formats.get(column.number_format, sheet.wrap_text) for column in sheet.columns],
    )
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
    limit = MAX_ROWS_PER_SHEET
    worksheet = None
    number = 0
    row = limit
    for values in sheet.rows:
        if row >= limit:
            number += 1
            worksheet = _new_worksheet(book, formats, sheet, number)
            write_values = worksheet.write_values
            row = 1
        write_values(row, values)
        row += 1
    if worksheet is None:
        _new_worksheet(book, formats, sheet, 1)


# Text that takes more than copying into the file: what `_text` changes (a formula's first character,
# rich-text markup, a carriage return), what XlsxWriter escapes (XML's special characters, control
# characters, its own "_xHHHH_" escapes) and what it marks (leading or trailing space).
_NOT_PLAIN_TEXT = re.compile(r"^[=+\-@\s]|^<r>|[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|\s$")


class _ColumnNames(dict):
    def __missing__(self, col):
        self[col] = name = xl_col_to_name(col)
        return name


class _Styles(dict):
    """' s="N"' by format, worked out when a cell first uses the format, as XlsxWriter does, so that
    the styles are numbered in the same order."""

    def __missing__(self, cell_format):
        self[cell_format] = style = f' s="{cell_format._get_xf_index()}"' if cell_format else ""
        return style


class _Worksheet(Worksheet):
    """XlsxWriter's worksheet with one more method, `write_values`, which writes a whole row of plain
    values straight into the constant-memory row file: the XML that XlsxWriter's own write_string,
    write_number, write_datetime and write_boolean produce cell by cell, without their dozen calls
    a cell (argument checks, a cell tuple, a dictionary, an XML helper per attribute), which were
    most of the time of a county's ledger. tests/test_spreadsheet.py checks that rows of every kind
    of value give the same file both ways.

    It assumes what `_new_worksheet` guarantees: constant memory, no row or column formats, rows
    written in order after the header.
    """

    def prepare_rows(self, *, text_format, date_format, datetime_format, number_formats) -> None:
        assert self.constant_memory and not self.row_info
        assert all(info.column_format is None for info in self.col_info.values())
        self._text_format = text_format
        self._date_format = date_format
        self._datetime_format = datetime_format
        self._number_formats = number_formats
        self._styles = _Styles()
        self._columns = _ColumnNames()
        self._serials = {}  # a date's Excel serial number: a ledger has a few hundred dates
        # The header row goes to the file now: every later row is written straight after it.
        self._write_single_row(1)

    def write_values(self, row: int, values) -> None:
        """Write `values` (text, numbers, dates, booleans; None for no cell) to row `row`."""
        cells = []
        append = cells.append
        columns = self._columns
        styles = self._styles
        number = str(row + 1)
        half = self.xls_strmax // 2
        first = last = None
        for col, value in enumerate(values):
            if value is None:
                continue  # no cell at all: smaller and faster than an empty string
            kind = value.__class__
            if kind is str:
                if not value:
                    continue
                if len(value) > half or _NOT_PLAIN_TEXT.search(value):
                    append(self._text_cell(columns[col] + number, value))
                else:
                    append(
                        f'<c r="{columns[col]}{number}"{styles[self._text_format]} t="inlineStr">'
                        f"<is><t>{value}</t></is></c>"
                    )
            elif kind is int or kind is float or kind is decimal.Decimal:
                if kind is not int and not math.isfinite(value):
                    self.write_number(row, col, value)  # XlsxWriter's own error
                append(
                    f'<c r="{columns[col]}{number}"{styles[self._number_formats[col]]}>'
                    f"<v>{value:.16G}</v></c>"
                )
            elif kind is datetime.date:
                serial = self._serials.get(value)
                if serial is None:
                    serial = self._serials[value] = self._convert_date_time(value)
                append(f'<c r="{columns[col]}{number}"{styles[self._date_format]}><v>{serial:.16G}</v></c>')
            elif kind is bool:
                append(
                    f'<c r="{columns[col]}{number}"{styles[self._text_format]} t="b">'
                    f"<v>{1 if value else 0}</v></c>"
                )
            elif kind is datetime.datetime:
                if timezone.is_aware(value):
                    value = timezone.make_naive(value)
                serial = self._convert_date_time(value)
                append(
                    f'<c r="{columns[col]}{number}"{styles[self._datetime_format]}><v>{serial:.16G}</v></c>'
                )
            else:  # lazy translations, choices and the like
                text = str(value)
                if not text:
                    continue
                append(self._text_cell(columns[col] + number, text))
            last = col
            if first is None:
                first = col
        if first is None:
            return  # nothing to write: no row at all, as XlsxWriter leaves it
        self.previous_row = row
        self._write_row(row, None, self.row_info.get(row))
        append("</row>")
        self.fh.write("".join(cells))
        if self.dim_rowmin is None:
            self.dim_rowmin = row
        self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last

    def _text_cell(self, reference: str, text: str) -> str:
        """A cell of text that is not plain: defused, cut to Excel's limit and escaped, in XlsxWriter's
        order (`_write_string`, then `_write_cell`)."""
        text = _text(text)
        if len(text) > self.xls_strmax // 2:
            text = _truncated(text, self.xls_strmax)
        text = self._escape_control_characters(text)
        space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        text = self._escape_data(text)
        style = self._styles[self._text_format]
        return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _truncated(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 units, as XlsxWriter cuts it (a character past U+FFFF is two)."""
    if len(text.encode("utf-16-le", "surrogatepass")) // 2 <= limit:
        return text
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text
