# One module though long: reading a ledger file is one job (sniff, refuse the dangerous, find the
# header, yield rows, parse cells), shared by every importer; its parts are not used apart.
"""Reading a ledger (台账) file as offices really keep it (docs/design.md §7).

A ledger is a CSV (UTF-8 with or without BOM, or GB18030 as Excel/WPS on Chinese Windows save it), an
.xlsx or an old .xls. Above the header row there may be a title row or two; headers carry stray spaces,
full-width brackets and either the Chinese name, the English one, or both. This module turns such a
file into rows of {column key: raw value}, each with the row number the user sees in the file, and
refuses files that are dangerous to open (macros, external links, zip bombs) before parsing them.
Turning raw values into dates, booleans and numbers is done by the `parse_*` helpers, which raise
`CellError` with a message for the user.

One module, though long: the file's checks (size, zip members, the sheet's rectangle), its decoding and
the header search all serve one question, what rows this file holds, and share its limits; the parsers
beside them are the cells' half of the same reading.
"""

import csv
import datetime
import decimal
import io
import json
import re
import signal
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from studyportal.params import YEAR_FIRST, validate_date, validate_hours, year_last

MAX_FILE_BYTES = 10 * 1024 * 1024
# A genuine ledger of 60,000 rows unpacks to a few tens of MB; far more than this is a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Worksheet XML compresses well (10–30×); a ratio this high on a large member is a bomb.
MAX_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024
MAX_ZIP_MEMBERS = 2000
HEADER_SEARCH_ROWS = 10
# The area a workbook's sheet may span. The reader allocates every cell of the rectangle from A1 to the
# last cell (about 32 bytes each), so one cell at XFD1048576 asks for 512 GB: the rectangle is checked
# in the file's XML, before any reader sees it.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 256  # up to column IV
MAX_SHEET_CELLS = 3_000_000
# What the child process reading a workbook may use (activities/imports/workbook_reader.py).
READER_MEMORY_BYTES = 1024 * 1024 * 1024
READER_SECONDS = 20

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlam", ".xlsb", ".xla")


class LedgerError(Exception):
    """The file as a whole cannot be read; `column` names the column when one is to blame."""

    def __init__(self, message, *, column="", row=None):
        super().__init__(message)
        self.message = message
        self.column = column
        self.row = row


class CellError(ValueError):
    """A cell's value cannot be understood; the message is shown to the user."""


@dataclass(frozen=True)
class Column:
    key: str
    names: tuple[str, ...]  # Chinese names, the first one is written in templates
    english: str
    required: bool = False

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass
class LedgerRow:
    number: int  # as the user sees it in the file: spreadsheet row, or CSV record counting from 1
    values: dict  # column key → raw value (str, number, bool, date/datetime) or "" when empty


@dataclass
class Ledger:
    columns: list[Column]  # the known columns present, in file order
    headers: dict[str, str]  # column key → header text as written in the file
    header_row: int
    unknown: list[str] = field(default_factory=list)  # header cells that name no column, as written
    rows: list[LedgerRow] = field(default_factory=list)


# ---------------------------------------------------------------------------- headers

_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "［": "(", "］": ")", "／": "/"})
_SPACES = re.compile(r"\s+")


def normalize_header(text) -> str:
    text = "" if text is None else str(text)
    return _SPACES.sub("", text.translate(_FULL_WIDTH)).lower()


def _header_names(column: Column) -> set[str]:
    names = {normalize_header(name) for name in column.names}
    names.add(normalize_header(column.english))
    names |= {f"{name}({normalize_header(column.english)})" for name in list(names)}
    return names


def match_header(text, columns: list[Column]) -> Column | None:
    """The column a header cell names: `日期`, `日期(date)`, `日期（date）`, ` date ` all name `date`."""
    header = normalize_header(text)
    if not header:
        return None
    if header.startswith("(") and header.endswith(")"):
        header = header[1:-1]
    candidates = [header]
    bracketed = re.fullmatch(r"(.+?)\((.+)\)", header)
    if bracketed:
        candidates += [bracketed.group(1), bracketed.group(2)]
    for candidate in candidates:
        for column in columns:
            if candidate in _header_names(column):
                return column
    return None


# ---------------------------------------------------------------------------- safety


def _check_zip(data: bytes) -> None:
    """Refuse macros, external links and zip bombs, looking only at the archive, before any parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise LedgerError(_("The file is damaged and cannot be opened as a spreadsheet.")) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise LedgerError(_("The file holds far more parts than a spreadsheet does; it was refused."))
    names = [member.filename for member in members]
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise LedgerError(
            _("The file contains macros, which are not accepted. Save it as a plain .xlsx or CSV.")
        )
    if any(name.lower().startswith("xl/externallinks/") for name in names):
        raise LedgerError(
            _(
                "The file links to other workbooks (external links), which are not accepted. "
                "Paste the values in and save it again."
            )
        )
    if "xl/workbook.xml" not in names:
        raise LedgerError(_("The file is not an Excel workbook. Upload a CSV, .xlsx or .xls file."))
    declared = sum(member.file_size for member in members)
    bomb = _("The file unpacks to far more data than a ledger holds (a zip bomb?); it was refused.")
    if declared > MAX_UNPACKED_BYTES:
        raise LedgerError(bomb)
    for member in members:
        if member.file_size > RATIO_CHECK_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise LedgerError(bomb)
    # Sizes in the archive's directory can lie: count what really comes out, and stop at the limit.
    unpacked = 0
    try:
        for member in members:
            sheet = _SheetArea() if _is_worksheet(member.filename) else None
            with archive.open(member) as stream:
                while chunk := stream.read(1024 * 1024):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise LedgerError(bomb)
                    if sheet is not None:
                        sheet.scan(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise LedgerError(_("The file is damaged and cannot be opened as a spreadsheet.")) from exc


def _is_worksheet(name: str) -> bool:
    name = name.lower()
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


# A cell or row address (`<c r="B7">`, `<row r="7">`) or a declared range (`<dimension ref="A1:C9">`),
# whatever the tag, its prefix, the quotes or the spaces around "=".
_ADDRESS = re.compile(rb"""\b(r|ref)\s*=\s*["']([A-Za-z]*)(\d+)(?::([A-Za-z]*)(\d+))?["']""")
# A match cut by a chunk's end is found again whole in the next round, unless it is longer than this;
# the child's memory limit stands behind such a file.
_OVERLAP = 256


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _cell_name(column: int, row: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


class _SheetArea:
    """The largest row and column a worksheet's XML names, checked against the limits chunk by chunk."""

    def __init__(self):
        self.tail = b""
        self.rows = self.columns = 0

    def scan(self, chunk: bytes) -> None:
        text = self.tail + chunk
        self.tail = text[-_OVERLAP:]
        if self._within(_ADDRESS.findall(text)):
            return
        # Something reaches too far: go through the addresses in order, to name the first one.
        for match in _ADDRESS.finditer(text):
            for letters, digits in ((match[2], match[3]), (match[4], match[5])):
                if digits is None:
                    continue
                if len(letters or b"") > 3 or len(digits) > 9:  # beyond any sheet, and beyond int() limits
                    self._refuse(str((letters or b"") + digits, "ascii"))
                self._check(_column_number(letters or b""), int(digits))

    def _within(self, found: list[tuple]) -> bool:
        """Whether every address in the chunk lies within the limits; if so, the sheet's area takes
        them in. A 100,000-row sheet has a million addresses but few distinct rows and columns to
        each chunk: this looks at those, not at every address."""
        letters = {match[1] for match in found} | {match[3] for match in found if match[4]}
        digits = {match[2] for match in found} | {match[4] for match in found if match[4]}
        if any(len(text) > 3 for text in letters) or any(len(text) > 9 for text in digits):
            return False
        rows = max([self.rows, *map(int, digits)])
        columns = max([self.columns, *map(_column_number, letters)])
        if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS or rows * max(columns, 1) > MAX_SHEET_CELLS:
            return False
        self.rows, self.columns = rows, columns
        return True

    def _check(self, column: int, row: int) -> None:
        # The reader allocates the rectangle up to the largest row and column, wherever they are.
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)
        if (
            self.rows <= MAX_SHEET_ROWS
            and self.columns <= MAX_SHEET_COLUMNS
            and self.rows * max(self.columns, 1) <= MAX_SHEET_CELLS
        ):
            return
        self._refuse(_cell_name(column, row) if column else str(row))

    def _refuse(self, cell: str):
        raise LedgerError(
            _(
                "The sheet reaches cell %(cell)s, beyond what a ledger may span: at most %(rows)s rows, "
                "%(columns)s columns and %(cells)s cells from A1. Copy only the ledger's cells into a "
                "new workbook, or save it as CSV."
            )
            % {
                "cell": cell,
                "rows": f"{MAX_SHEET_ROWS:,}",
                "columns": MAX_SHEET_COLUMNS,
                "cells": f"{MAX_SHEET_CELLS:,}",
            }
        )


def _check_ole(data: bytes) -> None:
    # An .xls with macros keeps them in a storage named _VBA_PROJECT_CUR (directory names are UTF-16).
    if "_VBA_PROJECT_CUR".encode("utf-16-le") in data or b"_VBA_PROJECT" in data:
        raise LedgerError(
            _("The file contains macros, which are not accepted. Save it as a plain .xlsx or CSV.")
        )


# ---------------------------------------------------------------------------- reading


def _decode_text(data: bytes) -> str:
    # Excel's "Unicode text" export is UTF-16 with a BOM (and tab-separated).
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:4096]:
        raise LedgerError(_("This is not a ledger file. Upload a CSV, .xlsx or .xls file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise LedgerError(
            _("The file's text encoding is not understood. Save the CSV as UTF-8 or GB18030 (ANSI).")
        ) from exc


def _csv_rows(data: bytes) -> list[list]:
    text = _decode_text(data)
    # Title rows above the header may hold no separator at all: look at the first lines together.
    head = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS + 1])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    try:
        return [list(record) for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise LedgerError(_("The CSV file is malformed: %(problem)s") % {"problem": exc}) from exc


def _workbook_sheets(data: bytes) -> list[list[list]]:
    """The workbook's sheets as rows of cells, read in a child process under a memory and a time limit."""
    from . import workbook_reader

    try:
        child = subprocess.run(
            [sys.executable, workbook_reader.__file__, str(READER_MEMORY_BYTES), str(READER_SECONDS)],
            input=data,
            capture_output=True,
            timeout=READER_SECONDS * 2,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LedgerError(_too_slow()) from exc
    if child.returncode == workbook_reader.EXIT_DAMAGED:
        raise LedgerError(_("The file is damaged and cannot be opened as a spreadsheet."))
    if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise LedgerError(_too_slow())
    if child.returncode != 0:
        # A failed allocation aborts the child (SIGABRT) or ends it with EXIT_MEMORY.
        raise LedgerError(
            _(
                "Reading the file needed more than %(mb)s MB of memory, the limit for one ledger; it was "
                "refused. Copy only the ledger's cells into a new workbook, or save it as CSV."
            )
            % {"mb": READER_MEMORY_BYTES // (1024 * 1024)}
        )
    return [
        [[workbook_reader.decode_cell(value) for value in row] for row in rows]
        for rows in json.loads(child.stdout)
    ]


def _too_slow() -> str:
    return _(
        "Reading the file took longer than %(seconds)s seconds, the limit for one ledger; it was refused. "
        "Split the ledger into smaller files or save it as CSV."
    ) % {"seconds": READER_SECONDS}


def _sheets(data: bytes, filename: str) -> list[list[list]]:
    name = (filename or "").lower()
    if not data:
        raise LedgerError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise LedgerError(
            _("The file is larger than %(size)s MB; split the ledger into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if name.endswith(MACRO_EXTENSIONS):
        raise LedgerError(
            _("The file contains macros, which are not accepted. Save it as a plain .xlsx or CSV.")
        )
    if data.startswith(ZIP_MAGIC):
        _check_zip(data)
        return _workbook_sheets(data)
    if data.startswith(OLE_MAGIC):
        _check_ole(data)
        return _workbook_sheets(data)
    if name.endswith((".xlsx", ".xls", ".ods", ".docx", ".doc", ".pdf", ".zip")) or data.startswith(b"%PDF"):
        raise LedgerError(_("This is not a ledger file. Upload a CSV, .xlsx or .xls file."))
    return [_csv_rows(data)]


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: list[list], columns: list[Column]) -> tuple[int, dict[int, Column]] | None:
    needed = min(2, len(columns))
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[int, Column] = {}
        for position, cell in enumerate(row):
            column = match_header(cell, columns)
            if column is not None:
                found[position] = column
        required = {column.key for column in columns if column.required}
        if len(set(found.values())) >= needed or (
            found and required <= {column.key for column in found.values()}
        ):
            return index, found
    return None


def column_letter(position: int) -> str:
    """A, B, … Z, AA …: how a spreadsheet names the column at `position` (from 0)."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _header_columns(header_cells: list, positions: dict[int, Column], header_row: int) -> list[str]:
    """The header cells that name no column; LedgerError when two cells name the same column (the
    importer could not tell which one holds the values)."""
    seen: dict[str, int] = {}
    for position, column in positions.items():
        if column.key in seen:
            raise LedgerError(
                _(
                    "The header row has two columns for 「%(column)s」 (columns %(first)s and %(second)s). "
                    "Keep one of them and delete the other."
                )
                % {
                    "column": column.label,
                    "first": column_letter(seen[column.key]),
                    "second": column_letter(position),
                },
                column=str(header_cells[position]).strip(),
                row=header_row,
            )
        seen[column.key] = position
    return [
        str(cell).strip()
        for position, cell in enumerate(header_cells)
        if position not in positions and not _is_blank(cell)
    ]


def read_ledger(data: bytes, filename: str, columns: list[Column]) -> Ledger:
    """The ledger's rows, keyed by column, or LedgerError saying in Chinese what is wrong with the file."""
    sheets = _sheets(data, filename)
    if not any(any(not _is_blank(cell) for cell in row) for rows in sheets for row in rows):
        raise LedgerError(_("The file is empty."))
    for rows in sheets:
        header = _find_header(rows, columns)
        if header is not None:
            break
    else:
        raise LedgerError(
            _("No header row was found in the first %(n)s rows. The header needs columns such as %(names)s.")
            % {"n": HEADER_SEARCH_ROWS, "names": "、".join(f"「{c.label}」" for c in columns[:4])}
        )
    header_index, positions = header
    header_cells = rows[header_index]
    unknown = _header_columns(header_cells, positions, header_index + 1)
    ledger = Ledger(
        columns=list(positions.values()),
        headers={column.key: str(header_cells[pos]).strip() for pos, column in positions.items()},
        header_row=header_index + 1,
        unknown=unknown,
    )
    for column in columns:
        if column.required and column.key not in ledger.headers:
            raise LedgerError(
                _("The required column 「%(column)s」 is missing from the header row.")
                % {"column": column.label},
                column=column.label,
                row=header_index + 1,
            )
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        values = {}
        for position, column in positions.items():
            value = row[position] if position < len(row) else ""
            values[column.key] = value.strip() if isinstance(value, str) else ("" if value is None else value)
        if all(_is_blank(value) for value in values.values()):
            continue
        ledger.rows.append(LedgerRow(number=index + 1, values=values))
    return ledger


# ---------------------------------------------------------------------------- cell values

_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
EXCEL_EPOCH = datetime.date(1899, 12, 30)


def parse_date(value) -> datetime.date:
    """A date from a date cell, an Excel serial number, or 2023-03-05 / 2023/3/5 / 2023.3.5 / 2023年3月5日."""
    if isinstance(value, datetime.datetime):
        return _in_window(value.date())
    if isinstance(value, datetime.date):
        return _in_window(value)
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        or (isinstance(value, str) and re.fullmatch(r"\d{5}(\.\d+)?", value.strip()))
    ):
        serial = float(value)
        # 1982 … 2119: anything else is a number that was never meant as a date.
        if 30000 <= serial <= 80000:
            return _in_window(EXCEL_EPOCH + datetime.timedelta(days=int(serial)))
    text = str(value).strip()
    match = _DATE_TEXT.fullmatch(text)
    if match:
        try:
            return _in_window(datetime.date(*(int(part) for part in match.groups())))
        except ValueError:
            pass
    raise CellError(_("“%(value)s” is not a date; write it like 2023-03-05.") % {"value": text})


def _in_window(day: datetime.date) -> datetime.date:
    """The date, if within the portal's window (studyportal.params), the same as the forms'."""
    try:
        validate_date(day)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    return day


def parse_period(value) -> tuple[int, int | None]:
    """(year, month or None) from 2022, 2022年, 2022-03, 2022/3, 2022.3, 2022年3月 or a date cell."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.year, value.month
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})\s*年?(?:\s*[-/.年]?\s*(\d{1,2})\s*月?)?", text)
    if match and YEAR_FIRST <= int(match.group(1)) <= year_last():
        month = int(match.group(2)) if match.group(2) else None
        if month is None or 1 <= month <= 12:
            return int(match.group(1)), month
    raise CellError(
        _("“%(value)s” is not a period; write a year (2022) or a month (2022-03).") % {"value": text}
    )


def parse_year(value) -> int:
    year, month = parse_period(value)
    if month is not None:
        raise CellError(_("“%(value)s” is not a year; write it like 2022.") % {"value": value})
    return year


_TRUE = {"是", "y", "yes", "✓", "✔", "√", "1", "true", "t", "对", "有"}
_FALSE = {"否", "n", "no", "✗", "✘", "×", "x", "0", "false", "f", "不是", "无"}


def parse_bool(value) -> bool:
    """是/否, Y/N, ✓/✗ (and √/×), 1/0, true/false; an empty cell is 否."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE or text == "":
        return False
    raise CellError(_("“%(value)s” is not a yes/no answer; write 是 or 否.") % {"value": value})


# The largest count every database stores in a positive integer column; beyond it the write would fail.
MAX_COUNT = 2_147_483_647


def parse_int(value, *, minimum=0, maximum=MAX_COUNT) -> int:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"\s*(人|次|户|家|分)$", "", str(value).strip()).replace(",", "")
    if not re.fullmatch(r"-?\d+", text):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    number = int(text)
    if number < minimum:
        raise CellError(_("%(value)s is less than %(minimum)s.") % {"value": number, "minimum": minimum})
    if number > maximum:
        raise CellError(_("%(value)s is more than %(maximum)s.") % {"value": number, "maximum": maximum})
    return number


def parse_hours(value) -> decimal.Decimal:
    text = re.sub(r"\s*(小时|个小时|h|hours?)$", "", str(value).strip(), flags=re.IGNORECASE)
    try:
        hours = decimal.Decimal(text).quantize(decimal.Decimal("0.1"))
    except (decimal.InvalidOperation, ValueError):
        raise CellError(_("“%(value)s” is not a number of hours.") % {"value": value}) from None
    # NaN survives quantize() but cannot be compared: refuse it before it is.
    if not hours.is_finite():
        raise CellError(_("“%(value)s” is not a number of hours.") % {"value": value})
    try:
        validate_hours(hours)  # the form's bounds
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None
    return hours


def cell_text(value) -> str:
    """A raw value as the user would read it in the preview."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else f"{value:%Y-%m-%d}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
