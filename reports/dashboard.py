"""Reads for the secretary's dashboard, the committee's overview and the home page's panels.

The counts and sums come from ActivityMonthStat (approved activities per organization, month and
kind, kept exact by the services) and from small tables, so each page runs the same number of queries
whatever the number of records or agencies. What cannot come from the monthly counts reads one
agency's year at most, each in a single query: plan against done and the norm grid (the plan and
norms engines group the approved activities), the records to complete (EXISTS flags per record), and
the people with a low attendance rate, the one list that reads attendance rows (grouped per person).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from activities.completeness import completeness_annotations, missing_items
from activities.models import (
    CENTRAL_GROUP_KINDS,
    KIND_GROUP,
    PRACTICE_KINDS,
    Activity,
    ActivityMonthStat,
    Attendance,
    Group,
    Kind,
    Norm,
    RectificationItem,
)
from activities.norms import GAP, MET, gap_message, norm_results
from activities.records_selectors import plan_vs_done, points_below_threshold
from reports.models import Summary
from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.scoping import has_role, orgs_visible_to, scope_paths, scope_q

GROUPS = list(Group.values)
MONTHS = list(range(1, 13))
# Below this share of sessions attended (present / all invitations) a person is listed for follow-up.
LOW_ATTENDANCE_RATE = Decimal("0.8")
# The local rule's yearly minimum, used when the admin has switched the norm row off.
CENTRAL_GROUP_DEFAULT_NORM = 12
# How far ahead the home page warns about rectification deadlines.
DUE_SOON_DAYS = 30
REVIEW_QUEUE_LIMIT = 50
HOME_LIST_LIMIT = 10
# The dashboard lists this many records to complete and counts the rest.
INCOMPLETE_LIMIT = 10
DASHBOARD_KINDS = (Organization.Kind.AGENCY, Organization.Kind.BRANCH)


def rate(present: int, invited: int) -> Decimal | None:
    """present / invited as a fraction, None when nobody was invited (no rate, not 0 %)."""
    if not invited:
        return None
    return Decimal(present) / Decimal(invited)


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# ---------------------------------------------------------------------------------------------
# Which organization a dashboard shows


def dashboard_organizations(user):
    """Agencies and branches whose dashboard the user may open (secretary or higher)."""
    return orgs_visible_to(user, Role.SECRETARY).filter(kind__in=DASHBOARD_KINDS, is_active=True)


def default_dashboard_organization(user) -> Organization | None:
    """The user's own agency when they are its secretary, else the first agency they oversee."""
    if user.agency_id and user.agency.kind in DASHBOARD_KINDS and has_role(user, user.agency, Role.SECRETARY):
        return user.agency
    return dashboard_organizations(user).order_by("path").first()


# ---------------------------------------------------------------------------------------------
# The dashboard


@dataclass
class MonthFigures:
    month: int
    by_group: dict[str, int]
    present: int = 0
    invited: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_group.values())

    @property
    def attendance_rate(self) -> Decimal | None:
        return rate(self.present, self.invited)


@dataclass
class StatFigures:
    """What the approved records of an organization's subtree add up to in a year."""

    by_group: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    by_kind: dict[str, int] = field(default_factory=dict)
    months: list[MonthFigures] = field(
        default_factory=lambda: [MonthFigures(m, dict.fromkeys(GROUPS, 0)) for m in MONTHS]
    )
    leader_lectures: int = 0
    households: int = 0
    enterprises: int = 0
    present: int = 0
    on_leave: int = 0
    absent: int = 0

    @property
    def activities(self) -> int:
        return sum(self.by_group.values())

    def count(self, kinds) -> int:
        return sum(self.by_kind.get(kind, 0) for kind in kinds)

    @property
    def central_group_sessions(self) -> int:
        return self.count(CENTRAL_GROUP_KINDS)

    @property
    def field_visits(self) -> int:
        return self.count([Kind.FIELD_VISIT])

    @property
    def practice_activities(self) -> int:
        return self.count(PRACTICE_KINDS)

    @property
    def invited(self) -> int:
        return self.present + self.on_leave + self.absent

    @property
    def attendance_rate(self) -> Decimal | None:
        return rate(self.present, self.invited)


STAT_SUMS = {
    "n": Sum("activities"),
    "leaders": Sum("leader_lectures"),
    "present_n": Sum("present"),
    "leave_n": Sum("on_leave"),
    "absent_n": Sum("absent"),
    "households_n": Sum("households"),
    "enterprises_n": Sum("enterprises"),
}


def _add_totals(figures: StatFigures, row: dict) -> None:
    figures.by_group[KIND_GROUP[row["kind"]]] += row["n"]
    figures.by_kind[row["kind"]] = figures.by_kind.get(row["kind"], 0) + row["n"]
    figures.leader_lectures += row["leaders"]
    figures.households += row["households_n"]
    figures.enterprises += row["enterprises_n"]
    figures.present += row["present_n"]
    figures.on_leave += row["leave_n"]
    figures.absent += row["absent_n"]


def _add_stat_row(figures: StatFigures, row: dict) -> None:
    _add_totals(figures, row)
    month = figures.months[row["month"] - 1]
    month.by_group[KIND_GROUP[row["kind"]]] += row["n"]
    month.present += row["present_n"]
    month.invited += row["present_n"] + row["leave_n"] + row["absent_n"]


def stat_figures(*, organization: Organization, year: int) -> StatFigures:
    """The year's approved records of the organization and everything under it (one query)."""
    figures = StatFigures()
    rows = (
        ActivityMonthStat.objects.filter(organization__path__startswith=organization.path, year=year)
        .values("month", "kind")
        .annotate(**STAT_SUMS)
        .order_by()
    )
    for row in rows:
        _add_stat_row(figures, row)
    return figures


def stat_years(organization: Organization) -> list[int]:
    """Years with approved records, newest first, for the year picker (one query)."""
    return list(
        ActivityMonthStat.objects.filter(organization__path__startswith=organization.path, activities__gt=0)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def central_group_norm() -> int:
    """The yearly minimum of central-group sessions, as the admin keeps it in the norms (one query)."""
    minimum = (
        Norm.objects.filter(
            kind=Kind.CENTRAL_GROUP_STUDY,
            scope=Norm.Scope.AGENCY,
            period=Norm.Period.YEAR,
            is_active=True,
        )
        .values_list("minimum", flat=True)
        .first()
    )
    return minimum if minimum is not None else CENTRAL_GROUP_DEFAULT_NORM


@dataclass
class RectificationFigures:
    by_status: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(RectificationItem.Status.values, 0)
    )
    overdue: int = 0

    @property
    def open(self) -> int:
        return sum(self.by_status[status] for status in RectificationItem.OPEN_STATUSES)

    @property
    def closed(self) -> int:
        return self.by_status[RectificationItem.Status.DONE] + self.by_status[RectificationItem.Status.CLOSED]


def _rectification_aggregates(today: datetime.date) -> dict:
    open_q = Q(status__in=RectificationItem.OPEN_STATUSES)
    sums = {
        f"status_{status}": Count("id", filter=Q(status=status)) for status in RectificationItem.Status.values
    }
    sums["overdue"] = Count("id", filter=open_q & Q(deadline__lt=today))
    return sums


def _rectification_from(row: dict) -> RectificationFigures:
    figures = RectificationFigures(overdue=row["overdue"] or 0)
    for status in RectificationItem.Status.values:
        figures.by_status[status] = row[f"status_{status}"] or 0
    return figures


def rectification_figures(*, agency: Organization, year: int, today: datetime.date) -> RectificationFigures:
    """The agency's rectification items of the year by status, and how many are overdue (one query)."""
    row = RectificationItem.objects.filter(agency=agency, year=year, deleted_at__isnull=True).aggregate(
        **_rectification_aggregates(today)
    )
    return _rectification_from(row)


def review_queue(user, organization: Organization):
    """Submitted records of the organization's subtree that the user may review, oldest first."""
    return (
        Activity.objects.alive()
        .filter(
            scope_q(user, min_role=Role.SECRETARY),
            organization__path__startswith=organization.path,
            status=Activity.Status.SUBMITTED,
        )
        .select_related("organization", "recorded_by")
        .order_by("submitted_at", "date", "id")
    )


def get_reviewable_activity(user, pk: int):
    """An activity the user may see (404 otherwise); the review service decides whether they may review."""
    return get_object_or_404(
        Activity.objects.alive().filter(scope_q(user)).select_related("organization", "recorded_by"), pk=pk
    )


def incomplete_records(activities, limit: int | None = None) -> list[Activity]:
    """The records among `activities` that lack something (需补充), each with `missing` set.

    One query: completeness is judged from EXISTS annotations, never from the related rows.
    """
    return incomplete_records_counted(activities, limit)[0]


def incomplete_records_counted(activities, limit: int | None = None) -> tuple[list[Activity], int]:
    """The first `limit` incomplete records among `activities` (all when None) and how many there are.

    Every record is still judged (the rules live in Python, `missing_items`), but a record past the
    limit is only counted, not kept: a county-scale year has hundreds of them.
    """
    rows = activities.annotate(**completeness_annotations()).only(
        "id",
        "organization_id",
        "kind",
        "date",
        "title",
        "status",
        "notes",
        "location",
        "speaker_id",
        "speaker_name",
        "outside_headcount",
        "households_reached",
        "enterprises_reached",
    )
    incomplete, count = [], 0
    for activity in rows:
        missing = missing_items(activity)
        if missing:
            count += 1
            if limit is None or len(incomplete) < limit:
                activity.missing = missing
                incomplete.append(activity)
    return incomplete, count


@dataclass
class PersonAttendance:
    person_id: int
    name: str
    position: str
    branch: str
    present: int
    on_leave: int
    absent: int

    @property
    def invited(self) -> int:
        return self.present + self.on_leave + self.absent

    @property
    def rate(self) -> Decimal | None:
        return rate(self.present, self.invited)


def low_attendance(*, organization: Organization, year: int) -> list[PersonAttendance]:
    """People of the agency whose attendance rate at the year's approved sessions is below
    LOW_ATTENDANCE_RATE, sorted by name (a list to follow up, not a ranking).

    Two queries: the attendance rows of one agency's year grouped per person (the one figure that
    cannot come from the monthly counts, because it is per person), then the agency's people for
    their names. Grouping by the person id alone keeps the aggregate a cheap hash over integers.
    """
    agency = organization.agency or organization
    counts = (
        Attendance.objects.filter(
            activity__organization__path__startswith=organization.path,
            activity__date__year=year,
            activity__status=Activity.Status.APPROVED,
            activity__deleted_at__isnull=True,
            person__agency=agency,
        )
        .values("person_id")
        .annotate(
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            on_leave=Count("id", filter=Q(status=Attendance.Status.LEAVE)),
            absent=Count("id", filter=Q(status=Attendance.Status.ABSENT)),
        )
        .order_by()
    )
    low = {}
    for row in counts:
        invited = row["present"] + row["on_leave"] + row["absent"]
        if invited and rate(row["present"], invited) < LOW_ATTENDANCE_RATE:
            low[row["person_id"]] = row
    people = User.objects.filter(agency=agency).values(
        "id", "real_name", "username", "position", "branch__name"
    )
    result = [
        PersonAttendance(
            person_id=person["id"],
            name=person["real_name"] or person["username"],
            position=person["position"],
            branch=person["branch__name"] or "",
            present=low[person["id"]]["present"],
            on_leave=low[person["id"]]["on_leave"],
            absent=low[person["id"]]["absent"],
        )
        for person in people
        if person["id"] in low
    ]
    return sorted(result, key=lambda person: person.name)


@dataclass
class Dashboard:
    organization: Organization
    agency: Organization
    year: int
    today: datetime.date
    stats: StatFigures
    planned: dict[str, int]
    planned_total: int
    central_group_norm: int
    low_points: list
    rectification: RectificationFigures
    awaiting_review: int
    queue: list[Activity]
    incomplete: list[Activity]  # the first INCOMPLETE_LIMIT of them
    incomplete_count: int
    low_attendance: list[PersonAttendance]
    norm_results: list
    years: list[int]

    @property
    def norm_grid(self) -> list[dict]:
        """Each organization's rules laid over twelve month columns (a quarter spans three, the year
        twelve), with the missed periods named."""
        grid: dict = {}
        for result in self.norm_results:
            block = grid.setdefault(
                result.organization.pk, {"organization": result.organization, "rows": [], "gaps": []}
            )
            span = {Norm.Period.MONTH: 1, Norm.Period.QUARTER: 3}.get(result.norm.period, 12)
            cells = []
            for period in result.periods:
                message = gap_message(result.norm, period) if period.status == GAP else ""
                cells.append({"span": span, "period": period, "message": message})
                if message:
                    block["gaps"].append(message)
            block["rows"].append({"label": result.label, "norm": result.norm, "cells": cells})
        return list(grid.values())

    @property
    def norm_gap_count(self) -> int:
        return sum(len(result.gaps) for result in self.norm_results)

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws; the labels are filled in by the view (translated)."""
        return {
            "months": MONTHS,
            "groups": {group: [m.by_group[group] for m in self.stats.months] for group in GROUPS},
            "attendance": [
                None if m.attendance_rate is None else round(float(m.attendance_rate) * 100, 1)
                for m in self.stats.months
            ],
            "rectification": dict(self.rectification.by_status),
        }


def dashboard(
    user, *, organization: Organization, year: int, today: datetime.date | None = None
) -> Dashboard:
    """Everything the dashboard shows for an agency or branch the caller has checked the user may see.

    About a dozen queries, none of them growing with the number of records.
    """
    today = today or timezone.localdate()
    agency = organization.agency or organization
    plan = plan_vs_done(agency=agency, year=year)  # 2 queries
    queue = review_queue(user, organization)
    activities_of_year = Activity.objects.alive().filter(
        organization__path__startswith=organization.path, date__year=year, status=Activity.Status.APPROVED
    )
    incomplete, incomplete_count = incomplete_records_counted(activities_of_year, INCOMPLETE_LIMIT)
    return Dashboard(
        organization=organization,
        agency=agency,
        year=year,
        today=today,
        stats=stat_figures(organization=organization, year=year),
        planned=plan["total"].planned,
        planned_total=plan["total"].planned_total,
        central_group_norm=central_group_norm(),
        low_points=points_below_threshold(agency=agency, year=year),
        rectification=rectification_figures(agency=agency, year=year, today=today),
        awaiting_review=queue.count(),
        queue=list(queue[:REVIEW_QUEUE_LIMIT]),
        incomplete=incomplete,
        incomplete_count=incomplete_count,
        low_attendance=low_attendance(organization=organization, year=year),
        norm_results=norm_results(organization=organization, year=year, through=today),
        years=stat_years(organization),
    )


# ---------------------------------------------------------------------------------------------
# The committee's overview


@dataclass
class OverviewRow:
    agency: Organization
    stats: StatFigures = field(default_factory=StatFigures)
    norms_met: int = 0
    norms_due: int = 0
    rectification: RectificationFigures = field(default_factory=RectificationFigures)
    summary_status: str = ""  # "", Summary.Status.DRAFT or FINAL

    @property
    def norm_rate(self) -> Decimal | None:
        return rate(self.norms_met, self.norms_due)

    def sort_value(self, column: str):
        values = {
            "name": self.agency.name,
            "activities": self.stats.activities,
            "central_group": self.stats.central_group_sessions,
            "norms": self.norm_rate,
            "attendance": self.stats.attendance_rate,
            "open": self.rectification.open,
            "overdue": self.rectification.overdue,
            "summary": {"": 0, Summary.Status.DRAFT: 1, Summary.Status.FINAL: 2}[self.summary_status],
        }
        return values[column]


OVERVIEW_COLUMNS = (
    "name",
    "activities",
    "central_group",
    "norms",
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


def overview(
    user, *, year: int, sort: str = "name", descending: bool = False, today=None
) -> list[OverviewRow]:
    """One row per agency the user administers. Queries: the agencies, the monthly counts, the
    rectification counts, the summaries, the roots, and the norms engine's four per root (one root
    for a committee admin): none grows with the number of agencies or records."""
    today = today or timezone.localdate()
    agencies = list(
        orgs_visible_to(user, Role.ADMIN)
        .filter(kind=Organization.Kind.AGENCY, is_active=True)
        .order_by("path")
    )
    rows = {agency.pk: OverviewRow(agency=agency) for agency in agencies}
    by_path = {agency.path: rows[agency.pk] for agency in agencies}

    def row_for_path(path):
        # An organization's agency is one of the prefixes of its path ("/1/4/9/" → "/1/4/"): a few
        # dictionary lookups per row instead of a scan over every agency.
        parts = path.strip("/").split("/")
        for depth in range(len(parts), 0, -1):
            row = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if row is not None:
                return row
        return None

    # Year totals per organization and kind: the months are not needed here, which keeps the rows few.
    stats = (
        ActivityMonthStat.objects.filter(scope_q(user, min_role=Role.ADMIN), year=year)
        .values("organization__path", "kind")
        .annotate(**STAT_SUMS)
        .order_by()
    )
    for stat in stats:
        row = row_for_path(stat["organization__path"])
        if row is not None:
            _add_totals(row.stats, stat)

    rectification = (
        RectificationItem.objects.filter(
            scope_q(user, "agency", Role.ADMIN), year=year, deleted_at__isnull=True
        )
        .values("agency_id")
        .annotate(**_rectification_aggregates(today))
        .order_by()
    )
    for item in rectification:
        if item["agency_id"] in rows:
            rows[item["agency_id"]].rectification = _rectification_from(item)

    for summary in Summary.objects.filter(scope_q(user, "agency", Role.ADMIN), year=year).values(
        "agency_id", "status"
    ):
        if summary["agency_id"] in rows:
            rows[summary["agency_id"]].summary_status = summary["status"]

    for root in overview_roots(user):
        for result in norm_results(organization=root, year=year, through=today):
            row = row_for_path(result.organization.path)
            if row is None:
                continue
            for period in result.periods:
                if period.status in (MET, GAP):
                    row.norms_due += 1
                    row.norms_met += period.status == MET

    ordered = sorted(rows.values(), key=lambda row: row.agency.name)
    if sort != "name" and sort in OVERVIEW_COLUMNS:
        # Rows without a figure (no attendance recorded, no norm due) go last either way.
        present = [row for row in ordered if row.sort_value(sort) is not None]
        missing = [row for row in ordered if row.sort_value(sort) is None]
        return sorted(present, key=lambda row: row.sort_value(sort), reverse=descending) + missing
    if descending:
        ordered.reverse()
    return ordered


# ---------------------------------------------------------------------------------------------
# The home page: what waits for each role


@dataclass
class HomePanels:
    my_unfinished: list[Activity] | None = None  # staff: own drafts and returned records
    awaiting_review: int | None = None  # secretary: submitted records in their scope
    review_organization: Organization | None = None
    due_items: list[RectificationItem] | None = None  # secretary / owner: due soon or overdue
    due_count: int = 0
    incomplete: list[Activity] | None = None  # recorder: records that lack something
    incomplete_organization: Organization | None = None
    years: tuple[int, ...] = ()

    @property
    def any(self) -> bool:
        return any(
            value is not None
            for value in (self.my_unfinished, self.awaiting_review, self.due_items, self.incomplete)
        )


def home_panels(user, *, today: datetime.date | None = None) -> HomePanels:
    """A fixed handful of queries: the roles (cached on the user), own unfinished records, the count
    awaiting review, the rectification items due (count and the first few), and the recorder's
    incomplete records of this and last year in their own agency."""
    today = today or timezone.localdate()
    panels = HomePanels(years=(today.year - 1, today.year))
    if not scope_paths(user, Role.STAFF) and not user.is_superuser:
        return panels

    panels.my_unfinished = list(
        Activity.objects.alive()
        .filter(
            scope_q(user),
            recorded_by=user,
            status__in=[Activity.Status.DRAFT, Activity.Status.RETURNED],
        )
        .select_related("organization")
        .order_by("-status", "-date", "-id")
    )

    if scope_paths(user, Role.SECRETARY):
        panels.awaiting_review = (
            Activity.objects.alive()
            .filter(scope_q(user, min_role=Role.SECRETARY), status=Activity.Status.SUBMITTED)
            .count()
        )
        panels.review_organization = default_dashboard_organization(user)

    due_q = Q(owner=user)
    if scope_paths(user, Role.SECRETARY):
        due_q |= scope_q(user, "agency", Role.SECRETARY)
    due = RectificationItem.objects.filter(
        due_q,
        scope_q(user, "agency"),
        deleted_at__isnull=True,
        status__in=RectificationItem.OPEN_STATUSES,
        deadline__isnull=False,
        deadline__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
    )
    # A committee oversees hundreds of items: the panel shows the most pressing and counts the rest.
    panels.due_count = due.count()
    panels.due_items = list(
        due.select_related("agency", "owner").order_by("deadline", "id")[:HOME_LIST_LIMIT]
    )
    for item in panels.due_items:
        item.overdue = item.deadline < today

    agency = user.agency
    if (
        agency is not None
        and agency.kind == Organization.Kind.AGENCY
        and has_role(user, agency, Role.RECORDER)
    ):
        panels.incomplete_organization = agency
        panels.incomplete = incomplete_records(
            Activity.objects.alive()
            .filter(organization__path__startswith=agency.path, date__year__in=panels.years)
            .exclude(status=Activity.Status.DRAFT)
            .order_by("-date", "-id")
        )
    return panels
