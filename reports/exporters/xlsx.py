"""A year's ledgers (台账) as one Excel workbook, written row by row in bounded memory.

One sheet per group of activities (领学 / 助学 / 检学), then rectification items, study points and
publicity placements. Only approved, non-deleted activities are ledger entries. Rows are read with
`.iterator()` in chunks; the study materials of a chunk come in one query, attendance counts are
annotated, so the number of queries grows with the chunks and never with the rows. openpyxl's
write-only mode keeps only the current row in memory. A sheet that would pass Excel's row limit
continues on "领学 (2)" and so on.
"""

import datetime
from collections import defaultdict
from itertools import islice

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from activities.models import Activity, Attendance, Group, Kind, Publicity, RectificationItem, StudyPoints
from studyportal.spreadsheet import safe_cell

# Excel's limit, header row included; tests lower it to see the split.
MAX_ROWS_PER_SHEET = 1_048_576
CHUNK_SIZE = 2000
DATE_FORMAT = "yyyy-mm-dd"


def ledger_workbook(*, organizations, year: int, stream) -> None:
    """Write the ledgers of `organizations` (a queryset of Organization) for `year` to `stream`."""
    book = Workbook(write_only=True)
    for group in (Group.LEADING, Group.EXPERIENTIAL, Group.PRACTICE):
        _write_sheets(
            book, str(group.label), _activity_columns(group), _activity_rows(organizations, year, group)
        )
    _write_sheets(
        book,
        pgettext("ledger", "Rectification items"),
        _rectification_columns(),
        _rectification_rows(organizations, year),
    )
    _write_sheets(
        book, pgettext("ledger", "Study points"), _points_columns(), _points_rows(organizations, year)
    )
    _write_sheets(
        book,
        pgettext("ledger", "Publicity placements"),
        _publicity_columns(),
        _publicity_rows(organizations, year),
    )
    book.save(stream)


def _write_sheets(book, name: str, columns: list[tuple[str, int]], rows) -> None:
    """Append `rows` under a header, starting a new sheet "name (n)" whenever one is full."""
    sheet = None
    used = 0
    number = 0
    for row in rows:
        if sheet is None or used >= MAX_ROWS_PER_SHEET:
            number += 1
            sheet = _new_sheet(book, name if number == 1 else f"{name} ({number})", columns)
            used = 1
        sheet.append([_cell(sheet, value) for value in row])
        used += 1
    if sheet is None:  # an empty ledger still gets its sheet with the header, so the file reads the same
        _new_sheet(book, name, columns)


def _new_sheet(book, title, columns):
    sheet = book.create_sheet(title=title[:31])
    # Write-only sheets take their layout before the first row.
    for index, (_label, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for label, _width in columns:
        cell = WriteOnlyCell(sheet, value=safe_cell(label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _cell(sheet, value):
    """User text defused against formulas; dates as real dates that Excel sorts and filters."""
    if value is None or value == "":
        return None  # no cell at all: smaller and faster to write than an empty string
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return safe_cell(value)


# The msgids carry the context "ledger": the same English words elsewhere (Present, Status) are
# translated differently there, and the catalogue of the app listed first would win.
def _yes_no(value: bool) -> str:
    return pgettext("ledger", "Yes") if value else pgettext("ledger", "No")


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- activities ------------------------------------------------------------------------------------


def _activity_columns(group: str) -> list[tuple[str, int]]:
    columns = [
        (pgettext("ledger", "Date"), 12),
        (pgettext("ledger", "Organization"), 24),
        (pgettext("ledger", "Kind"), 16),
        (pgettext("ledger", "Title / theme"), 40),
        (pgettext("ledger", "Location"), 24),
        (pgettext("ledger", "Speaker / study leader"), 14),
        (pgettext("ledger", "Given by a leader"), 10),
        (pgettext("ledger", "Present"), 8),
        (pgettext("ledger", "Expected"), 8),
        (pgettext("ledger", "Outside participants"), 10),
        (pgettext("ledger", "Hours"), 8),
        (pgettext("ledger", "Study materials"), 40),
    ]
    if group == Group.EXPERIENTIAL:
        columns.append((pgettext("ledger", "Party oath renewed"), 10))
    if group == Group.PRACTICE:
        columns += [
            (pgettext("ledger", "Households reached"), 10),
            (pgettext("ledger", "Enterprises reached"), 10),
        ]
    columns += [(pgettext("ledger", "Status"), 10), (pgettext("ledger", "Notes"), 40)]
    return columns


_ACTIVITY_FIELDS = (
    "id",
    "date",
    "organization__name",
    "kind",
    "title",
    "location",
    "speaker__real_name",
    "speaker_name",
    "given_by_leader",
    "present",
    "expected",
    "outside_headcount",
    "hours",
    "oath_renewed",
    "households_reached",
    "enterprises_reached",
    "status",
    "notes",
)


def _activity_rows(organizations, year, group):
    activities = (
        Activity.objects.alive()
        .approved()
        .of_year(year)
        .in_group(group)
        .filter(organization__in=organizations)
        .annotate(
            present=_attendance_count(status=Attendance.Status.PRESENT),
            # Everyone expected: present, on leave or absent.
            expected=_attendance_count(),
        )
        .order_by("date", "id")
        .values_list(*_ACTIVITY_FIELDS)
    )
    # Labels translated once, not once a row.
    kind_labels = {kind: str(label) for kind, label in Kind.choices}
    status_labels = {status: str(label) for status, label in Activity.Status.choices}
    yes_no = {True: _yes_no(True), False: _yes_no(False)}
    for chunk in _chunks(activities.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        materials = _materials_of([row[0] for row in chunk])
        for (
            pk,
            date,
            organization,
            kind,
            title,
            location,
            speaker,
            speaker_name,
            given_by_leader,
            present,
            expected,
            outside_headcount,
            hours,
            oath_renewed,
            households_reached,
            enterprises_reached,
            status,
            notes,
        ) in chunk:
            values = [
                date,
                organization,
                kind_labels.get(kind, kind),
                title,
                location,
                speaker or speaker_name,
                yes_no[given_by_leader],
                present,
                expected,
                outside_headcount,
                hours,
                "".join(f"《{material}》" for material in materials.get(pk, ())),
            ]
            if group == Group.EXPERIENTIAL:
                values.append(yes_no[oath_renewed])
            if group == Group.PRACTICE:
                values += [households_reached, enterprises_reached]
            values += [status_labels.get(status, status), notes]
            yield values


def _attendance_count(**filters):
    """A per-row count through the (activity, person) index: a GROUP BY over every column of the
    ledger would sort the whole year instead."""
    counts = (
        Attendance.objects.filter(activity=OuterRef("pk"), **filters)
        .order_by()
        .values("activity")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _materials_of(activity_ids) -> dict[int, list[str]]:
    """The titles studied in each activity of a chunk, in one query."""
    through = Activity.materials.through
    titles = defaultdict(list)
    rows = (
        through.objects.filter(activity_id__in=activity_ids)
        .order_by("activity_id", "studymaterial__title")
        .values_list("activity_id", "studymaterial__title")
    )
    for activity_id, title in rows:
        titles[activity_id].append(title)
    return titles


# --- rectification, points, publicity ----------------------------------------------------------------


# Built per call, so that the labels follow the language active at export time.
def _rectification_columns():
    return [
        (pgettext("ledger", "Agency"), 24),
        (pgettext("ledger", "Problem"), 50),
        (pgettext("ledger", "Category"), 14),
        (pgettext("ledger", "Source"), 12),
        (pgettext("ledger", "Measures"), 50),
        (pgettext("ledger", "Owner"), 12),
        (pgettext("ledger", "Deadline"), 12),
        (pgettext("ledger", "Status"), 10),
        (pgettext("ledger", "Closed at"), 12),
        (pgettext("ledger", "Closing evidence"), 40),
    ]


def _rectification_rows(organizations, year):
    items = (
        RectificationItem.objects.filter(agency__in=organizations, year=year, deleted_at__isnull=True)
        .order_by("agency__path", "deadline", "id")
        .values_list(
            "agency__name",
            "problem",
            "category",
            "source",
            "measures",
            "owner__real_name",
            "deadline",
            "status",
            "closed_at",
            "closing_evidence",
        )
    )
    categories = {key: str(label) for key, label in RectificationItem.Category.choices}
    sources = {key: str(label) for key, label in RectificationItem.Source.choices}
    statuses = {key: str(label) for key, label in RectificationItem.Status.choices}
    for (
        agency,
        problem,
        category,
        source,
        measures,
        owner,
        deadline,
        status,
        closed_at,
        evidence,
    ) in items.iterator(chunk_size=CHUNK_SIZE):
        yield [
            agency,
            problem,
            categories.get(category, category),
            sources.get(source, source),
            measures,
            owner,
            (deadline),
            statuses.get(status, status),
            timezone.localdate(closed_at) if closed_at else None,
            evidence,
        ]


def _points_columns():
    return [
        (pgettext("ledger", "Agency"), 24),
        (pgettext("ledger", "Name"), 12),
        (pgettext("ledger", "Period"), 10),
        (pgettext("ledger", "Platform"), 16),
        (pgettext("ledger", "Points"), 10),
    ]


def _points_rows(organizations, year):
    points = (
        StudyPoints.objects.filter(
            Q(person__agency__in=organizations) | Q(person__branch__in=organizations), year=year
        )
        .order_by("person__agency__path", "person__real_name", "month", "platform", "id")
        .values_list("person__agency__name", "person__real_name", "year", "month", "platform", "points")
    )
    for agency, name, points_year, month, platform, value in points.iterator(chunk_size=CHUNK_SIZE):
        period = f"{points_year}-{month:02d}" if month else str(points_year)
        yield [agency, name, period, platform, value]


def _publicity_columns():
    return [
        (pgettext("ledger", "Date"), 12),
        (pgettext("ledger", "Agency"), 24),
        (pgettext("ledger", "Title"), 50),
        (pgettext("ledger", "Outlet"), 20),
        (pgettext("ledger", "Level"), 10),
        (pgettext("ledger", "Form"), 10),
        (pgettext("ledger", "Link"), 40),
    ]


def _publicity_rows(organizations, year):
    placements = (
        Publicity.objects.filter(agency__in=organizations, date__year=year)
        .order_by("date", "id")
        .values_list("date", "agency__name", "title", "outlet", "level", "form", "link")
    )
    levels = {key: str(label) for key, label in Publicity.Level.choices}
    forms = {key: str(label) for key, label in Publicity.Form.choices}
    for date, agency, title, outlet, level, form, link in placements.iterator(chunk_size=CHUNK_SIZE):
        yield [(date), agency, title, outlet, levels.get(level, level), forms.get(form, form), link]
