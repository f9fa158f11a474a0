"""Reads for the secretary's dashboard, and the figures the overview and the home page share with it
(rates, attendance and rectification figures, records to complete, the rules due now).

The counts and sums come from the summary rows kept exact by the services (ActivityMonthStat:
approved activities per organization, month and kind; PersonYearStat: each person's attendance per
organization and year) and from small tables, so each page runs the same number of queries whatever
the number of records or agencies, and none groups attendance rows. The norm grid reads the monthly
counts too (and the lectures its secretary-speaker rule names); the records to complete are kept by a
SQL condition built from the completeness rules, so only the listed ones are fetched.

One module although long: the dashboard's figures (StatFigures, RectificationFigures, the incomplete
records, the norm grid) are the ones the overview and the home page build on, and they read together.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum, Window
from django.utils import timezone

from activities import kinds
from activities.completeness import completeness_annotations, incomplete_q, missing_items
from activities.models import (
    Activity,
    ActivityMonthStat,
    Group,
    Kind,
    Norm,
    PersonYearStat,
    RectificationItem,
    overdue_q,
)
from activities.selectors.norms import (
    DueNorm,
    NormCounts,
    active_norms,
    due_order,
    gap_summaries,
    norm_results,
    norms_due,
)
from activities.selectors.plans import planned_in_year
from activities.selectors.points import count_points_below_threshold
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role, orgs_visible_to, scope_q
from studyportal.names import person_name_key

from .summary import activities_in_year

GROUPS = list(Group.values)
MONTHS = list(range(1, 13))
# Below this share of sessions attended (present / all invitations) a person is listed for follow-up.
LOW_ATTENDANCE_RATE = Decimal("0.8")
# The local rule's yearly minimum, used when the admin has switched the norm row off.
CENTRAL_GROUP_DEFAULT_NORM = 12
REVIEW_QUEUE_LIMIT = 20
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
        return self.count(kinds.kinds_where(central_group=True))

    @property
    def practice_activities(self) -> int:
        return self.by_group[Group.PRACTICE]


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
    figures.by_group[kinds.spec(row["kind"]).group] += row["n"]
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
    month.by_group[kinds.spec(row["kind"]).group] += row["n"]
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


# Each read of Status.values rebuilds the list; the overview reads it for each agency.
RECTIFICATION_STATUSES = tuple(RectificationItem.Status.values)


@dataclass
class RectificationFigures:
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECTIFICATION_STATUSES, 0))
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
    # The approve button's rule (activities.services.activity.can_approve) reads the organization's path.
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
        twelve), with the missed periods of each rule in a sentence ("1月、2月、3月等9个月未召开支部委员会
        会议": the grid shows each period already), as the annual summary words them."""
        grid: dict = {}
        # The cells are the norms page's (`{% norm_cell %}`).
        for result in self.norm_results:
            block = grid.setdefault(
                result.organization.pk, {"organization": result.organization, "rows": [], "gaps": []}
            )
            block["rows"].append(result)
            block["gaps"].extend(gap.message for gap in gap_summaries([result], agency=result.organization))
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
    activities_of_year = (
        Activity.objects.alive()
        .filter(organization__path__startswith=organization.path, date__year=year)
        .approved()
        .newest_first()
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


def organizations_norms_due(
    organizations: list[Organization],
    *,
    today: datetime.date | None = None,
    counts: NormCounts | None = None,
) -> list[DueNorm]:
    """`norms_due` for each organization, most urgent first: the active rules (one query), then the
    norms engine's three per organization (six in the first days of January), none where `counts`
    has counted that organization's year already (the overview's tally)."""
    if counts is None:
        counts = NormCounts(active_norms())
    due = [d for org in organizations for d in norms_due(organization=org, today=today, counts=counts)]
    return sorted(due, key=due_order)
