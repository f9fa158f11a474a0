"""Reads for the committee's overview: one row per agency the user administers, from the monthly
counts, the rectification counts, the summaries and the norms engine (a fixed number of queries
whatever the number of agencies or records; see `overview`)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Q, Sum
from django.utils import timezone

from activities import kinds
from activities.models import ActivityMonthStat, RectificationItem
from activities.selectors.norms import AMBER, RED, NormCounts, norm_tally, norms_due_colours
from reports.models import Summary
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import orgs_visible_to, scope_paths, scope_q, under_q
from studyportal.names import pinyin_key

from .dashboard import (
    AttendanceFigures,
    RectificationFigures,
    _rectification_aggregates,
    _rectification_from,
    rate,
)


@dataclass
class OverviewStats(AttendanceFigures):
    """The year's approved records of an agency's subtree, as far as the overview shows them."""

    activities: int = 0
    central_group_sessions: int = 0


# One row per organization (not per kind: a county has ten times more of those to add up in Python).
def _overview_sums() -> dict:
    return {
        "n": Sum("activities"),
        "central": Sum("activities", filter=Q(kind__in=kinds.kinds_where(central_group=True))),
        "present_n": Sum("present"),
        "leave_n": Sum("on_leave"),
        "absent_n": Sum("absent"),
    }


@dataclass
class OverviewRow:
    agency: Organization
    stats: OverviewStats = field(default_factory=OverviewStats)
    norms_met: int = 0
    norms_due: int = 0
    norms_amber: int = 0  # rules of the current period near their end and not met, now
    norms_red: int = 0  # rules whose period has just ended unmet, now
    rectification: RectificationFigures = field(default_factory=RectificationFigures)
    summary_status: str = ""  # "", Summary.Status.DRAFT or FINAL

    @property
    def norm_rate(self) -> Decimal | None:
        return rate(self.norms_met, self.norms_due)

    def sort_value(self, column: str):
        values = {
            "name": pinyin_key(self.agency.name),
            "activities": self.stats.activities,
            "central_group": self.stats.central_group_sessions,
            "norms": self.norm_rate,
            "amber": self.norms_amber,
            "red": self.norms_red,
            "attendance": self.stats.attendance_rate,
            "open": self.rectification.open,
            "overdue": self.rectification.overdue,
            "summary": {"": 0, Summary.Status.DRAFT: 1, Summary.Status.FINAL: 2}[self.summary_status],
        }
        return values[column]


# The columns only the norms engine gives: sorting by one counts every agency's rules.
NORM_COLUMNS = ("norms", "amber", "red")

OVERVIEW_COLUMNS = (
    "name",
    "activities",
    "central_group",
    "norms",
    "amber",
    "red",
    "attendance",
    "open",
    "overdue",
    "summary",
)


def overview_roots(user) -> list[Organization]:
    """The topmost organizations the user administers (a committee, usually one), one query."""
    paths = scope_paths(user, Role.ADMIN)
    if "/" in paths:
        return list(Organization.objects.filter(parent__isnull=True, is_active=True).order_by("path"))
    return list(Organization.objects.filter(path__in=paths, is_active=True).order_by("path"))


def can_see_overview(user) -> bool:
    return bool(scope_paths(user, Role.ADMIN))


# Agencies on a page of the overview. A page counts the norms of its own agencies only, so a city's
# 1,000 cost what 50 do; sorted by a norms column, every agency's are counted to place them.
OVERVIEW_PAGE_SIZE = 50


def _agencies(user) -> list[Organization]:
    """The agencies the user administers, in the order of their paths (one query)."""
    agencies = orgs_visible_to(user, Role.ADMIN).filter(kind=Organization.Kind.AGENCY, is_active=True)
    return list(agencies.order_by("path"))


def _matching(agencies: list[Organization], search: str) -> list[Organization]:
    """The agencies whose name contains `search`, or whose code it is (any case)."""
    search = search.strip().casefold()
    if not search:
        return agencies
    return [a for a in agencies if search in a.name.casefold() or search == a.code.casefold()]


def overview(
    user, *, year: int, sort: str = "name", descending: bool = False, search: str = "", today=None
) -> list[OverviewRow]:
    """One row per agency the user administers (whose name contains `search`, when given), in the
    order asked."""
    agencies = _agencies(user)
    rows = _rows(user, agencies, _matching(agencies, search), year=year, today=today)
    return _in_order(rows, sort, descending)


def overview_page(
    user, *, year: int, number, sort: str = "name", descending: bool = False, search: str = "", today=None
) -> Page:
    """Page `number` of `overview` (OVERVIEW_PAGE_SIZE rows). In name order only the page's agencies
    are counted, the order needing their names alone; sorted by a sum, every agency's sums place
    them and the page's agencies are counted."""
    agencies = _agencies(user)
    listed = _matching(agencies, search)
    if sort in NORM_COLUMNS:
        rows = _rows(user, agencies, listed, year=year, today=today)
        return Paginator(_in_order(rows, sort, descending), OVERVIEW_PAGE_SIZE).get_page(number)
    if sort == "name":
        rows = [OverviewRow(agency=agency) for agency in listed]  # nothing counted: names alone
    else:
        # The other figures are a few sums per agency: placed by them, then counted for the page.
        rows = _rows(user, agencies, listed, year=year, today=today, norms=False)
    ordered = [row.agency for row in _in_order(rows, sort, descending)]
    page = Paginator(ordered, OVERVIEW_PAGE_SIZE).get_page(number)
    rows = {row.agency.pk: row for row in _rows(user, agencies, list(page), year=year, today=today)}
    page.object_list = [rows[agency.pk] for agency in page]
    return page


def _in_order(rows: list[OverviewRow], sort: str, descending: bool) -> list[OverviewRow]:
    ordered = sorted(rows, key=lambda row: pinyin_key(row.agency.name))
    if sort != "name" and sort in OVERVIEW_COLUMNS:
        # Rows without a figure (no attendance recorded, no norm due) go last either way.
        present = [row for row in ordered if row.sort_value(sort) is not None]
        missing = [row for row in ordered if row.sort_value(sort) is None]
        return sorted(present, key=lambda row: row.sort_value(sort), reverse=descending) + missing
    if descending:
        ordered.reverse()
    return ordered


def _rows(
    user, agencies: list[Organization], shown: list[Organization], *, year: int, today=None, norms=True
) -> list[OverviewRow]:
    """The rows of the agencies `shown`, of all the user's `agencies`, unordered. Queries: the
    monthly counts, the rectification counts, the summaries, and the norms engine's four (all of
    them: the roots, then four per root, one root for a committee admin); the rules due now reuse
    that counting when `year` is this year (otherwise three more; three more again in the first days
    of January): none grows with the number of agencies or records. When fewer are shown, each
    query reads only theirs. `norms=False` leaves the norms columns at 0, uncounted."""
    today = today or timezone.localdate()
    rows = {agency.pk: OverviewRow(agency=agency) for agency in shown}
    # Every agency's path, shown or not: an organization belongs to the nearest agency above it,
    # which may be one not shown under one that is.
    by_path = {agency.path: rows.get(agency.pk) for agency in agencies}
    every = len(shown) == len(agencies)

    row_of_path = {}

    def row_for_path(path):
        # An organization's agency is one of the prefixes of its path ("/1/4/9/" → "/1/4/"): a few
        # dictionary lookups per organization instead of a scan over every agency.
        if path not in row_of_path:
            parts = path.strip("/").split("/")
            prefixes = ("/" + "/".join(parts[:depth]) + "/" for depth in range(len(parts), 0, -1))
            row_of_path[path] = next((by_path[p] for p in prefixes if p in by_path), None)
        return row_of_path[path]

    # Year totals per organization: the months and kinds are not needed here, which keeps the rows few.
    stats = ActivityMonthStat.objects.filter(scope_q(user, min_role=Role.ADMIN), year=year)
    if not every:
        stats = stats.filter(
            organization__in=Organization.objects.filter(under_q([a.path for a in shown], None)).values("pk")
        )
    for path, n, central, present, on_leave, absent in (
        stats.values_list("organization__path").annotate(**_overview_sums()).order_by()
    ):
        row = row_for_path(path)
        if row is not None:
            totals = row.stats
            totals.activities += n
            totals.central_group_sessions += central or 0
            totals.present += present
            totals.on_leave += on_leave
            totals.absent += absent

    shown_ids = Q() if every else Q(agency_id__in=list(rows))
    rectification = (
        RectificationItem.objects.filter(
            scope_q(user, "agency", Role.ADMIN), shown_ids, year__lte=year, deleted_at__isnull=True
        )
        .values("agency_id")
        .annotate(**_rectification_aggregates(year, today))
        .order_by()
    )
    for item in rectification:
        if item["agency_id"] in rows:
            rows[item["agency_id"]].rectification = _rectification_from(item)

    summaries = Summary.objects.filter(scope_q(user, "agency", Role.ADMIN), shown_ids, year=year)
    for summary in summaries.values("agency_id", "status"):
        if summary["agency_id"] in rows:
            rows[summary["agency_id"]].summary_status = summary["status"]

    if not norms:
        return list(rows.values())
    # The engine counts for each root, or for the agencies shown (a tuple: one scope).
    scopes = overview_roots(user) if every else [tuple(shown)] if shown else []
    # The year's counting is read once for the tally and the rules due now (when the year is this one).
    counts = NormCounts()
    for scope in scopes:
        for organization, met, due in norm_tally(organization=scope, year=year, through=today, counts=counts):
            row = row_for_path(organization.path)
            if row is not None:
                row.norms_met += met
                row.norms_due += due
    # Amber and red are about now, whatever year is shown.
    for organization, colour in norms_due_colours(scopes, today=today, counts=counts):
        row = row_for_path(organization.path)
        if row is not None and colour == AMBER:
            row.norms_amber += 1
        elif row is not None and colour == RED:
            row.norms_red += 1
    return list(rows.values())
