"""Reads for rectification, study points, publicity and study plans.

Lists start from `scope_q`, so another agency's rows are never reachable; the aggregates the summary
and the dashboard call (`low_points`, `points_for_person`, `publicity_counts_by_level`, `plan_vs_done`)
take an agency the caller has already checked.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from studyportal.accounts.models import Organization, User
from studyportal.accounts.scoping import scope_q
from studyportal.names import person_name_key, pinyin_key
from studyportal.spreadsheet import Column, Sheet

from . import kinds
from .models import (
    Activity,
    Group,
    PlanItem,
    Publicity,
    RectificationItem,
    StudyPlan,
    StudyPoints,
)

# ---------------------------------------------------------------------------------------------
# Rectification


def rectification_items_visible_to(user, *, today: datetime.date | None = None):
    """The items of the agencies the user covers, each annotated with `overdue` (open, past deadline)."""
    today = today or timezone.localdate()
    return (
        RectificationItem.objects.filter(scope_q(user, "agency"), deleted_at__isnull=True)
        .select_related("agency", "owner", "found_in")
        .with_overdue(today)
    )


def rectification_list(user, *, today: datetime.date | None = None):
    """Overdue items first, then by deadline (items without one last)."""
    return rectification_items_visible_to(user, today=today).order_by(
        F("overdue").desc(), F("deadline").asc(nulls_last=True), "id"
    )


def get_rectification_for_user(user, pk: int) -> RectificationItem:
    return get_object_or_404(rectification_items_visible_to(user), pk=pk)


def rectification_progress(item: RectificationItem):
    return item.progress.select_related("recorded_by").order_by("date", "id")


# The rectification spreadsheet's columns, for the list's export and the year's ledgers alike:
# header, width, value. Built into a Sheet per call, so that the headers follow the language active
# at export time.
RECTIFICATION_COLUMNS = [
    (gettext_lazy("Agency"), 18, lambda item: item.agency.name),
    (gettext_lazy("Year"), 8, lambda item: item.year),
    (gettext_lazy("Problem"), 48, lambda item: item.problem),
    (gettext_lazy("Category"), 14, lambda item: item.get_category_display()),
    (gettext_lazy("Source"), 12, lambda item: item.get_source_display()),
    (gettext_lazy("Measures"), 48, lambda item: item.measures),
    (gettext_lazy("Owner"), 10, lambda item: item.owner.real_name if item.owner_id else ""),
    (gettext_lazy("Deadline"), 12, lambda item: item.deadline),
    (gettext_lazy("Status"), 10, lambda item: item.get_status_display()),
    (gettext_lazy("Overdue"), 8, lambda item: gettext("Yes") if item.is_overdue() else ""),
    (
        gettext_lazy("Closed at"),
        12,
        lambda item: timezone.localdate(item.closed_at) if item.closed_at else None,
    ),
    (gettext_lazy("Closing evidence"), 40, lambda item: item.closing_evidence),
]


def rectification_sheet(items, *, title: str) -> Sheet:
    """`items` (RectificationItem rows, with their agency and owner fetched) as one spreadsheet."""
    columns = [Column(str(header), width) for header, width, _value in RECTIFICATION_COLUMNS]
    rows = ([value(item) for _header, _width, value in RECTIFICATION_COLUMNS] for item in items)
    return Sheet(title, columns, rows, wrap_text=True)


# ---------------------------------------------------------------------------------------------
# Study points


@dataclass
class PersonPoints:
    total: int = 0
    by_platform: dict[str, int] = field(default_factory=dict)
    # month → points, from the monthly rows only (a platform reported once a year has none).
    by_month: dict[int, int] = field(default_factory=dict)
    has_data: bool = False


def _platform_totals(rows) -> dict:
    """person id → {platform: yearly total} from grouped rows: a yearly figure wins over the months'
    sum, because platforms that report both give the same year twice."""
    totals: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        points = row["year_points"] if row["year_rows"] else (row["month_points"] or 0)
        totals[row["person_id"]][row["platform"]] = points
    return totals


def _grouped_points(*extra, **filters):
    return (
        StudyPoints.objects.filter(**filters)
        .values("person_id", "platform", *extra)
        .annotate(
            year_points=Sum("points", filter=Q(month__isnull=True)),
            year_rows=Count("id", filter=Q(month__isnull=True)),
            month_points=Sum("points", filter=Q(month__isnull=False)),
        )
        .order_by()
    )


def points_for_person(*, person, year: int) -> PersonPoints:
    """A person's study points of a year: total, per platform and per month (one query)."""
    rows = (
        StudyPoints.objects.filter(person=person, year=year)
        .values("platform", "month")
        .annotate(points=Sum("points"))
        .order_by()
    )
    yearly: dict[str, int] = {}
    monthly: dict[str, int] = defaultdict(int)
    by_month: dict[int, int] = defaultdict(int)
    for row in rows:
        if row["month"] is None:
            yearly[row["platform"]] = row["points"]
        else:
            monthly[row["platform"]] += row["points"]
            by_month[row["month"]] += row["points"]
    # As in `points_by_member`: a platform's yearly figure wins over the sum of its months.
    by_platform = {
        platform: yearly.get(platform, monthly.get(platform, 0)) for platform in {*yearly, *monthly}
    }
    return PersonPoints(
        total=sum(by_platform.values()),
        by_platform=dict(sorted(by_platform.items())),
        by_month=dict(sorted(by_month.items())),
        has_data=bool(by_platform),
    )


@dataclass
class MemberPoints:
    person: User
    total: int | None  # None: no points recorded for the year
    below: bool


# Members under the points threshold, the one definition that the points page, the dashboard, the
# summary and "my record" share: the agency's active members, each with the year's total over every
# platform (the agency sets one yearly threshold, on the page that lists those totals), below the
# threshold when it is set; a member with nothing recorded is not low (a missing import is not a
# low score).


def is_below_points_threshold(total: int | None, threshold: int | None) -> bool:
    return threshold is not None and total is not None and total < threshold


def _members(agency: Organization):
    return User.objects.filter(agency=agency, is_active=True).select_related("branch")


def _member_totals(agency: Organization, year: int) -> tuple[dict[int, int], set[int]]:
    """person id → the year's total over every platform, for the agency's active members, and which
    of them are Party members (one query)."""
    party_member = "person__is_party_member"
    rows = _grouped_points(party_member, person__agency=agency, person__is_active=True, year=year)
    party = {row["person_id"] for row in rows if row[party_member]}
    return {pk: sum(platforms.values()) for pk, platforms in _platform_totals(rows).items()}, party


def _by_name(person) -> tuple:
    # Sorted by branch and name (in pinyin order), never by points: the page is a record, not a
    # league table.
    return (
        pinyin_key(person.branch.name if person.branch_id else ""),
        person_name_key(person.real_name or person.username),
    )


def points_by_member(*, agency: Organization, year: int) -> list[MemberPoints]:
    """Every active member of the agency with the year's total, marked when below the threshold."""
    totals, _party = _member_totals(agency, year)
    threshold = agency.low_points_threshold
    return [
        MemberPoints(
            person=person,
            total=totals.get(person.pk),
            below=is_below_points_threshold(totals.get(person.pk), threshold),
        )
        for person in sorted(_members(agency), key=_by_name)
    ]


@dataclass(frozen=True)
class LowPoints:
    threshold: int | None
    with_points: int  # active members with points recorded for the year
    below: int
    below_party_members_only: bool  # every member below is a Party member (the summary says 党员)


def low_points(*, agency: Organization, year: int) -> LowPoints:
    """How many members are below the agency's threshold, without fetching them (one query, none
    when no threshold is set)."""
    threshold = agency.low_points_threshold
    if threshold is None:
        return LowPoints(threshold=None, with_points=0, below=0, below_party_members_only=False)
    totals, party = _member_totals(agency, year)
    below = {pk for pk, total in totals.items() if is_below_points_threshold(total, threshold)}
    return LowPoints(
        threshold=threshold,
        with_points=len(totals),
        below=len(below),
        below_party_members_only=bool(below) and below <= party,
    )


def count_points_below_threshold(*, agency: Organization, year: int) -> int:
    """What the dashboard shows: `low_points(...).below`."""
    return low_points(agency=agency, year=year).below


def points_years(agency: Organization) -> list[int]:
    return list(
        StudyPoints.objects.filter(person__agency=agency)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


# ---------------------------------------------------------------------------------------------
# Publicity


def publicity_visible_to(user):
    return Publicity.objects.filter(scope_q(user, "agency")).select_related("agency", "activity")


def get_publicity_for_user(user, pk: int) -> Publicity:
    return get_object_or_404(publicity_visible_to(user), pk=pk)


def publicity_counts_by_level(*, agency: Organization, year: int) -> dict[str, int]:
    """Level code → number of placements in the year, every level present (one query)."""
    counts = dict.fromkeys(Publicity.Level.values, 0)
    rows = (
        Publicity.objects.filter(agency=agency, date__year=year)
        .values("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


# ---------------------------------------------------------------------------------------------
# Study plans

GROUPS = list(Group.values)


@dataclass
class MonthPlanVsDone:
    month: int | None  # None: the plan's items without a month, and the year's totals row
    planned: dict[str, int]  # group → planned items
    done: dict[str, int]  # group → approved activities
    planned_total: int = 0
    done_total: int = 0
    fulfilled: int = 0  # planned items with the activity that fulfilled them

    @property
    def behind(self) -> bool:
        return self.done_total < self.planned_total


def agency_activities(agency: Organization):
    """Activities of the agency and its branches, not deleted."""
    return Activity.objects.filter(organization__path__startswith=agency.path, deleted_at__isnull=True)


def _planned(*, agency: Organization, year: int):
    return (
        PlanItem.objects.filter(plan__agency=agency, plan__year=year)
        .values("month", "kind")
        .annotate(n=Count("id"), fulfilled=Count("id", filter=Q(fulfilled_by__isnull=False)))
        .order_by()
    )


def _add_planned(row: dict, *buckets: MonthPlanVsDone) -> None:
    group = kinds.group_of(row["kind"])
    for bucket in buckets:
        bucket.planned_total += row["n"]
        bucket.fulfilled += row["fulfilled"]
        if group:
            bucket.planned[group] += row["n"]


def planned_in_year(*, agency: Organization, year: int) -> MonthPlanVsDone:
    """The year's planned items by group, without the activities done (one query; the dashboard
    has those from the monthly counts)."""
    total = MonthPlanVsDone(None, dict.fromkeys(GROUPS, 0), dict.fromkeys(GROUPS, 0))
    for row in _planned(agency=agency, year=year):
        _add_planned(row, total)
    return total


def plan_vs_done(*, agency: Organization, year: int) -> dict:
    """Planned items against approved activities, month by month and by group (two queries).

    Returns {"months": [MonthPlanVsDone for 1..12], "unscheduled": MonthPlanVsDone for items without a
    month, "total": MonthPlanVsDone for the year}. Items without a kind count in the totals only.
    """
    months = {m: MonthPlanVsDone(m, dict.fromkeys(GROUPS, 0), dict.fromkeys(GROUPS, 0)) for m in range(1, 13)}
    unscheduled = MonthPlanVsDone(None, dict.fromkeys(GROUPS, 0), dict.fromkeys(GROUPS, 0))
    total = MonthPlanVsDone(None, dict.fromkeys(GROUPS, 0), dict.fromkeys(GROUPS, 0))

    for row in _planned(agency=agency, year=year):
        _add_planned(row, months.get(row["month"], unscheduled), total)

    done = (
        agency_activities(agency)
        .filter(date__year=year, status=Activity.Status.APPROVED)
        .annotate(month=ExtractMonth("date"))
        .values("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in done:
        group = kinds.spec(row["kind"]).group
        for bucket in (months[row["month"]], total):
            bucket.done_total += row["n"]
            bucket.done[group] += row["n"]
    return {"months": list(months.values()), "unscheduled": unscheduled, "total": total}


def plans_of(agency: Organization):
    return StudyPlan.objects.filter(agency=agency).annotate(n_items=Count("items")).order_by("-year")


def plan_items(*, agency: Organization, year: int):
    return (
        PlanItem.objects.filter(plan__agency=agency, plan__year=year)
        .select_related("lead", "fulfilled_by")
        .order_by(F("month").asc(nulls_last=True), "id")
    )


def plan_suggestions(*, agency: Organization, year: int, items) -> dict[int, Activity]:
    """item id → an approved activity of the same kind in the same month that no item claims yet
    (one query for the whole plan)."""
    open_items = [item for item in items if item.fulfilled_by_id is None and item.month and item.kind]
    if not open_items:
        return {}
    claimed = {item.fulfilled_by_id for item in items if item.fulfilled_by_id}
    candidates = (
        agency_activities(agency)
        .filter(
            date__year=year,
            status=Activity.Status.APPROVED,
            kind__in={item.kind for item in open_items},
        )
        .exclude(pk__in=claimed)
        .order_by("date", "id")
    )
    pool: dict[tuple[int, str], list[Activity]] = defaultdict(list)
    for activity in candidates:
        pool[(activity.date.month, activity.kind)].append(activity)
    suggestions = {}
    for item in open_items:
        options = pool.get((item.month, item.kind))
        if options:
            suggestions[item.pk] = options.pop(0)
    return suggestions


def latest_activity_year(agency: Organization) -> int | None:
    latest = (
        agency_activities(agency)
        .filter(status=Activity.Status.APPROVED)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    return latest.year if latest else None
