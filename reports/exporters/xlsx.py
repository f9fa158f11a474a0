"""A year's ledgers (台账) as one Excel workbook, written row by row in bounded memory.

One sheet per group of activities (领学 / 助学 / 检学), then rectification items, study points and
publicity placements. Only approved, non-deleted activities are ledger entries. Rows are read with
`.iterator()` in chunks; the study materials of a chunk come in one query, attendance counts are
annotated, so the number of queries grows with the chunks and never with the rows. The workbook is
written by `studyportal.spreadsheet.write_xlsx` (XlsxWriter, constant memory), which also continues a
sheet that would pass Excel's row limit on "领学 (2)" and so on.
"""

from collections import defaultdict
from itertools import islice

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext

from activities.models import Activity, Attendance, Group, Kind, Publicity, RectificationItem, StudyPoints
from activities.selectors.rectification import rectification_sheet
from studyportal.spreadsheet import Column, Sheet, write_xlsx

CHUNK_SIZE = 2000


def ledger_workbook(*, organizations, year: int, stream) -> None:
    """Write the ledgers of `organizations` (a queryset of Organization) for `year` to `stream`
    (a path or a seekable binary file)."""
    write_xlsx(stream, _sheets(organizations, year))


def register_workbook(*, organizations, year: int, stream, register: str) -> None:
    """Write one register ("rectification", "points" or "publicity") alone, as the year's archive
    holds it (reports/archive.py)."""
    write_xlsx(stream, [_register_sheet(organizations, year, register)])


REGISTERS = ("rectification", "points", "publicity")


def register_title(register: str) -> str:
    return {
        "rectification": pgettext("ledger", "Rectification items"),
        "points": pgettext("ledger", "Study points"),
        "publicity": pgettext("ledger", "Publicity placements"),
    }[register]


def _register_sheet(organizations, year, register: str) -> Sheet:
    if register == "rectification":
        return _rectification_sheet(organizations, year)
    columns, rows = {
        "points": (_points_columns, _points_rows),
        "publicity": (_publicity_columns, _publicity_rows),
    }[register]
    return Sheet(register_title(register), columns(), rows(organizations, year))


def _sheets(organizations, year):
    # A generator: each sheet's rows are queried only when the sheet before it is written.
    for group in (Group.LEADING, Group.EXPERIENTIAL, Group.PRACTICE):
        yield Sheet(str(group.label), _activity_columns(group), _activity_rows(organizations, year, group))
    for register in REGISTERS:
        yield _register_sheet(organizations, year, register)


# The msgids carry the context "ledger": the same English words elsewhere (Present, Status) are
# translated differently there, and the catalogue of the app listed first would win.
def _yes_no(value: bool) -> str:
    return pgettext("ledger", "Yes") if value else pgettext("ledger", "No")


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --- activities ------------------------------------------------------------------------------------


def _activity_columns(group: str) -> list[Column]:
    columns = [
        Column(pgettext("ledger", "Date"), 12),
        Column(pgettext("ledger", "Organization"), 24),
        Column(pgettext("ledger", "Kind"), 16),
        Column(pgettext("ledger", "Title / theme"), 40),
        Column(pgettext("ledger", "Location"), 24),
        Column(pgettext("ledger", "Speaker / study leader"), 14),
        Column(pgettext("ledger", "Given by a leader"), 10),
        Column(pgettext("ledger", "Present"), 8),
        Column(pgettext("ledger", "Expected"), 8),
        Column(pgettext("ledger", "Outside participants"), 10),
        Column(pgettext("ledger", "Hours"), 8),
        Column(pgettext("ledger", "Study materials"), 40),
    ]
    if group == Group.EXPERIENTIAL:
        columns.append(Column(pgettext("ledger", "Party oath renewed"), 10))
    if group == Group.PRACTICE:
        columns += [
            Column(pgettext("ledger", "Households reached"), 10),
            Column(pgettext("ledger", "Enterprises reached"), 10),
        ]
    columns += [Column(pgettext("ledger", "Status"), 10), Column(pgettext("ledger", "Notes"), 40)]
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


def _rectification_sheet(organizations, year):
    items = (
        RectificationItem.objects.filter(agency__in=organizations, year=year, deleted_at__isnull=True)
        .select_related("agency", "owner")
        .order_by("agency__path", "deadline", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return rectification_sheet(items, title=register_title("rectification"))


def _points_columns():
    return [
        Column(pgettext("ledger", "Agency"), 24),
        Column(pgettext("ledger", "Name"), 12),
        Column(pgettext("ledger", "Period"), 10),
        Column(pgettext("ledger", "Platform"), 16),
        Column(pgettext("ledger", "Points"), 10),
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
        Column(pgettext("ledger", "Date"), 12),
        Column(pgettext("ledger", "Agency"), 24),
        Column(pgettext("ledger", "Title"), 50),
        Column(pgettext("ledger", "Outlet"), 20),
        Column(pgettext("ledger", "Level"), 10),
        Column(pgettext("ledger", "Form"), 10),
        Column(pgettext("ledger", "Link"), 40),
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
        yield [date, agency, title, outlet, levels.get(level, level), forms.get(form, form), link]
