"""Reads for study plans: items, suggestions and the plan against what was done.

Lists start from `scope_q`, so another agency's rows are never reachable; the aggregates the summary
and the dashboard call take an agency the caller has already checked.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import ExtractMonth

from studyportal.accounts.models import Organization

from ..models import (
    KIND_GROUP,
    Activity,
    Group,
    PlanItem,
    StudyPlan,
)

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
    group = KIND_GROUP.get(row["kind"]) if row["kind"] else None
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
        group = KIND_GROUP[row["kind"]]
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
