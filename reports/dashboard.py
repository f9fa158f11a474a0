"""Reads for the secretary's dashboard, the committee's overview and the home page's panels.

The counts and sums come from the summary rows kept exact by the services (ActivityMonthStat:
approved activities per organization, month and kind; PersonYearStat: each person's attendance per
organization and year) and from small tables, so each page runs the same number of queries whatever
the number of records or agencies, and none groups attendance rows. The norm grid reads the monthly
counts too (and the lectures its secretary-speaker rule names); the records to complete are kept by a
SQL condition built from the completeness rules, so only the listed ones are fetched.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum, Window
from django.utils import timezone

from activities.completeness import completeness_annotations, incomplete_q, missing_items
from activities.models import (
    CENTRAL_GROUP_KINDS,
    KIND_GROUP,
    PRACTICE_KINDS,
    Activity,
    ActivityMonthStat,
    Group,
    Kind,
    Norm,
    PersonYearStat,
    RectificationItem,
    overdue_q,
)
from activities.norms import (
    AMBER,
    RED,
    DueNorm,
    active_norms,
    due_order,
    gap_message,
    norm_results,
    norm_tally,
    norms_due,
)
from activities.records_selectors import count_points_below_threshold, planned_in_year
from reports.models import Summary
from reports.selectors import activities_in_year
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role, orgs_visible_to, scope_paths, scope_q
from studyportal.names import person_name_key, pinyin_key

GROUPS = list(Group.values)
MONTHS = list(range(1, 13))
# Below this share of sessions attended (present / all invitations) a person is listed for follow-up.
LOW_ATTENDANCE_RATE = Decimal("0.8")
# The local rule's yearly minimum, used when the admin has switched the norm row off.
CENTRAL_GROUP_DEFAULT_NORM = 12
REVIEW_QUEUE_LIMIT = 20
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
class AttendanceFigures:
    """Invitations to approved sessions, by how they ended."""

    present: int = 0
    on_leave: int = 0
    absent: int = 0

    @property
    def invited(self) -> int:
        return self.present + self.on_leave + self.absent

    @property
    def attendance_rate(self) -> Decimal | None:
        return rate(self.present, self.invited)


@dataclass
class StatFigures(AttendanceFigures):
    """What the approved records of an organization's subtree add up to in a year."""

    by_group: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GROUPS, 0))
    by_kind: dict[str, int] = field(default_factory=dict)
    months: list[MonthFigures] = field(
        default_factory=lambda: [MonthFigures(m, dict.fromkeys(GROUPS, 0)) for m in MONTHS]
    )
    leader_lectures: int = 0
    households: int = 0
    enterprises: int = 0

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


def central_group_norm(norms: list[Norm]) -> int:
    """The yearly minimum of central-group sessions, as the admin keeps it in the active norms."""
    for norm in norms:
        if (norm.kind, norm.scope, norm.period) == (
            Kind.CENTRAL_GROUP_STUDY,
            Norm.Scope.AGENCY,
            Norm.Period.YEAR,
        ):
            return norm.minimum
    return CENTRAL_GROUP_DEFAULT_NORM


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
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def closed(self) -> int:
        return self.by_status[RectificationItem.Status.DONE] + self.by_status[RectificationItem.Status.CLOSED]


def _rectification_aggregates(year: int, today: datetime.date) -> dict:
    """Over the items of `year` and before: the year's by status, and every overdue one, of whichever
    year (an item carried over and still open is as overdue as the home page says)."""
    sums = {
        f"status_{status}": Count("id", filter=Q(year=year, status=status))
        for status in RectificationItem.Status.values
    }
    sums["overdue"] = Count("id", filter=overdue_q(today))
    return sums


# Each read of Status.values rebuilds the list; the overview reads it for each agency.
RECTIFICATION_STATUSES = tuple(RectificationItem.Status.values)


def _rectification_from(row: dict) -> RectificationFigures:
    return RectificationFigures(
        by_status={status: row[f"status_{status}"] or 0 for status in RECTIFICATION_STATUSES},
        overdue=row["overdue"] or 0,
    )


def rectification_figures(*, agency: Organization, year: int, today: datetime.date) -> RectificationFigures:
    """The agency's rectification items of the year by status, and how many are overdue (one query)."""
    row = RectificationItem.objects.filter(agency=agency, year__lte=year, deleted_at__isnull=True).aggregate(
        **_rectification_aggregates(year, today)
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


# What a row of the review queue shows (reports/templates/dashboard/_queue_rows.html).
QUEUE_FIELDS = (
    "id",
    "date",
    "kind",
    "title",
    "status",
    "organization__name",
    # The approve button's rule (activities.services.can_approve) reads the organization's path.
    "organization__path",
    "recorded_by__real_name",
    "recorded_by__username",
)


def incomplete_records(activities, limit: int | None = None) -> list[Activity]:
    """The records among `activities` that lack something (需补充), each with `missing` set.

    One query: completeness is judged from EXISTS annotations, never from the related rows.
    """
    return incomplete_records_counted(activities, limit)[0]


def incomplete_records_counted(activities, limit: int | None = None) -> tuple[list[Activity], int]:
    """The first `limit` incomplete records among `activities` (all when None) and how many there are.

    One query: the database keeps only the incomplete records (`incomplete_q`, the rules of
    `missing_items`) and counts them alongside (a window over the filtered rows), so a county-scale
    year's hundreds of complete records are never fetched.
    """
    rows = (
        activities.annotate(**completeness_annotations())
        .filter(incomplete_q())
        .annotate(incomplete_total=Window(Count("id")))
        .only(
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
    )
    incomplete = list(rows if limit is None else rows[:limit])
    for activity in incomplete:
        activity.missing = missing_items(activity)
    return incomplete, incomplete[0].incomplete_total if incomplete else 0


@dataclass(kw_only=True)
class PersonAttendance(AttendanceFigures):
    person_id: int
    name: str
    position: str
    branch: str


def low_attendance(*, organization: Organization, year: int) -> list[PersonAttendance]:
    """People of the agency whose attendance rate at the year's approved sessions is below
    LOW_ATTENDANCE_RATE, sorted by name (a list to follow up, not a ranking).

    One query: each person's yearly counts (PersonYearStat, one row per person and organization
    under the dashboard's, kept exact by the services), with their names.
    """
    agency = organization.agency or organization
    counts = (
        PersonYearStat.objects.filter(
            organization__path__startswith=organization.path, year=year, person__agency=agency
        )
        .values_list(
            "person_id", "person__real_name", "person__username", "person__position", "person__branch__name"
        )
        .annotate(present=Sum("present"), on_leave=Sum("on_leave"), absent=Sum("absent"))
        .order_by()
    )
    result = [
        PersonAttendance(
            person_id=person_id,
            name=real_name or username,
            position=position,
            branch=branch or "",
            present=present,
            on_leave=on_leave,
            absent=absent,
        )
        for person_id, real_name, username, position, branch, present, on_leave, absent in counts
        if present + on_leave + absent and rate(present, present + on_leave + absent) < LOW_ATTENDANCE_RATE
    ]
    return sorted(result, key=lambda person: person_name_key(person.name))


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
    low_points: int  # members under the study-points threshold
    rectification: RectificationFigures
    awaiting_review: int
    queue: list[Activity]
    incomplete: list[Activity]  # the first INCOMPLETE_LIMIT of them
    incomplete_count: int
    low_attendance: list[PersonAttendance]
    norm_results: list
    norms_due: list[DueNorm]  # the current periods, whatever year is shown
    activities_previous_year: int
    years: list[int]

    @property
    def norm_grid(self) -> list[dict]:
        """Each organization's rules laid over twelve month columns (a quarter spans three, the year
        twelve), with the missed periods named."""
        grid: dict = {}
        # The cells are the norms page's (`{% norm_cell %}`).
        for result in self.norm_results:
            block = grid.setdefault(
                result.organization.pk, {"organization": result.organization, "rows": [], "gaps": []}
            )
            block["rows"].append(result)
            block["gaps"].extend(gap_message(result.norm, period) for period in result.gaps)
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
    planned = planned_in_year(agency=agency, year=year)
    activities_of_year = Activity.objects.alive().filter(
        organization__path__startswith=organization.path, date__year=year, status=Activity.Status.APPROVED
    )
    incomplete, incomplete_count = incomplete_records_counted(activities_of_year, INCOMPLETE_LIMIT)
    # The first rows and, alongside each, how many wait in all (a window over the filtered rows).
    queue = list(
        review_queue(user, organization)
        .only(*QUEUE_FIELDS)
        .annotate(queue_total=Window(Count("id")))[:REVIEW_QUEUE_LIMIT]
    )
    norms = active_norms()
    return Dashboard(
        organization=organization,
        agency=agency,
        year=year,
        today=today,
        stats=stat_figures(organization=organization, year=year),
        planned=planned.planned,
        planned_total=planned.planned_total,
        central_group_norm=central_group_norm(norms),
        low_points=count_points_below_threshold(agency=agency, year=year),
        rectification=rectification_figures(agency=agency, year=year, today=today),
        awaiting_review=queue[0].queue_total if queue else 0,
        queue=queue,
        incomplete=incomplete,
        incomplete_count=incomplete_count,
        low_attendance=low_attendance(organization=organization, year=year),
        norm_results=norm_results(organization=organization, year=year, through=today, norms=norms),
        norms_due=norms_due(organization=organization, today=today, norms=norms),
        activities_previous_year=activities_in_year(organization=organization, year=year - 1),
        years=stat_years(organization),
    )


# ---------------------------------------------------------------------------------------------
# The committee's overview


@dataclass
class OverviewStats(AttendanceFigures):
    """The year's approved records of an agency's subtree, as far as the overview shows them."""

    activities: int = 0
    central_group_sessions: int = 0


# One row per organization (not per kind: a county has ten times more of those to add up in Python).
OVERVIEW_SUMS = {
    "n": Sum("activities"),
    "central": Sum("activities", filter=Q(kind__in=CENTRAL_GROUP_KINDS)),
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


def overview(
    user, *, year: int, sort: str = "name", descending: bool = False, today=None
) -> list[OverviewRow]:
    """One row per agency the user administers. Queries: the agencies, the monthly counts, the
    rectification counts, the summaries, the roots, and the norms engine's four per root (one root
    for a committee admin), then for the rules due now the active rules and the engine's three per
    root (six in the first days of January): none grows with the number of agencies or records."""
    today = today or timezone.localdate()
    agencies = list(
        orgs_visible_to(user, Role.ADMIN)
        .filter(kind=Organization.Kind.AGENCY, is_active=True)
        .order_by("path")
    )
    rows = {agency.pk: OverviewRow(agency=agency) for agency in agencies}
    by_path = {agency.path: rows[agency.pk] for agency in agencies}

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
    stats = (
        ActivityMonthStat.objects.filter(scope_q(user, min_role=Role.ADMIN), year=year)
        .values_list("organization__path")
        .annotate(**OVERVIEW_SUMS)
        .order_by()
    )
    for path, n, central, present, on_leave, absent in stats:
        row = row_for_path(path)
        if row is not None:
            totals = row.stats
            totals.activities += n
            totals.central_group_sessions += central or 0
            totals.present += present
            totals.on_leave += on_leave
            totals.absent += absent

    rectification = (
        RectificationItem.objects.filter(
            scope_q(user, "agency", Role.ADMIN), year__lte=year, deleted_at__isnull=True
        )
        .values("agency_id")
        .annotate(**_rectification_aggregates(year, today))
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

    roots = overview_roots(user)
    for root in roots:
        for organization, met, due in norm_tally(organization=root, year=year, through=today):
            row = row_for_path(organization.path)
            if row is not None:
                row.norms_met += met
                row.norms_due += due
    # Amber and red are about now, whatever year is shown.
    for due in organizations_norms_due(roots, today=today):
        row = row_for_path(due.organization.path)
        if row is not None and due.colour == AMBER:
            row.norms_amber += 1
        elif row is not None and due.colour == RED:
            row.norms_red += 1

    ordered = sorted(rows.values(), key=lambda row: pinyin_key(row.agency.name))
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


def norms_due_organizations(user) -> list[Organization]:
    """The topmost agencies and branches where the user is recorder or more (a committee's admin
    follows the agencies on the overview instead), one query."""
    paths = scope_paths(user, Role.RECORDER)
    if not paths:
        return []
    return list(
        Organization.objects.filter(path__in=paths, kind__in=DASHBOARD_KINDS, is_active=True).order_by("path")
    )


def organizations_norms_due(
    organizations: list[Organization], *, today: datetime.date | None = None
) -> list[DueNorm]:
    """`norms_due` for each organization, most urgent first: the active rules (one query), then the
    norms engine's two per organization (four in the first days of January)."""
    norms = active_norms()
    due = [d for org in organizations for d in norms_due(organization=org, today=today, norms=norms)]
    return sorted(due, key=due_order)


@dataclass
class HomePanels:
    my_unfinished: list[Activity] | None = None  # staff: own drafts and returned records
    awaiting_review: int | None = None  # secretary: submitted records in their scope
    review_organization: Organization | None = None
    due_items: list[RectificationItem] | None = None  # secretary / owner: due soon or overdue
    due_count: int = 0
    due_days: int = 0  # how far ahead a deadline counts as near
    norms_due: list[DueNorm] | None = None  # recorder / secretary: rules of the current period not met
    norms_due_count: int = 0
    incomplete: list[Activity] | None = None  # recorder: records that lack something
    incomplete_organization: Organization | None = None
    years: tuple[int, ...] = ()

    @property
    def any(self) -> bool:
        return any(
            value is not None
            for value in (
                self.my_unfinished,
                self.awaiting_review,
                self.due_items,
                self.norms_due,
                self.incomplete,
            )
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
    due = RectificationItem.objects.deadline_near_or_past(today).filter(
        due_q, scope_q(user, "agency"), deleted_at__isnull=True
    )
    # A committee oversees hundreds of items: the panel shows the most pressing and counts the rest.
    panels.due_count = due.count()
    panels.due_days = settings.RECTIFICATION_WARNING_DAYS
    panels.due_items = list(
        due.select_related("agency", "owner").order_by("deadline", "id")[:HOME_LIST_LIMIT]
    )
    for item in panels.due_items:
        item.overdue = item.is_overdue(today)

    organizations = norms_due_organizations(user) if scope_paths(user, Role.RECORDER) else []
    if organizations:
        due_norms = organizations_norms_due(organizations, today=today)
        panels.norms_due_count = len(due_norms)
        panels.norms_due = due_norms[:HOME_LIST_LIMIT]

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
