"""Per-month counts of approved activities (ActivityMonthStat), kept exact.

A service that approves, changes or deletes a record calls, inside its transaction,
`stats_remove(pk)` while the row still holds its old values and `stats_add(pk)` once the new
values are written. Both read the persisted row, so the caller cannot pass the wrong state, and
both ignore records that are not approved. Bulk paths (imports, the demo data) call
`stats_rebuild` for the organization and year they touched.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from .models import LECTURE_KINDS, Activity, ActivityMonthStat, Attendance

COUNTERS = (
    "activities",
    "leader_lectures",
    "present",
    "on_leave",
    "absent",
    "outside_headcount",
    "households",
    "enterprises",
    "hours",
)


def _counted():
    return Activity.objects.filter(status=Activity.Status.APPROVED, deleted_at__isnull=True)


def _contribution(activity_id):
    """(key, counters) that the persisted activity adds to its month, or None if it does not count."""
    row = (
        _counted()
        .filter(pk=activity_id)
        .values(
            "organization_id",
            "date",
            "kind",
            "given_by_leader",
            "outside_headcount",
            "households_reached",
            "enterprises_reached",
            "hours",
        )
        .first()
    )
    if row is None:
        return None
    attendance = Attendance.objects.filter(activity_id=activity_id).aggregate(
        present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
        on_leave=Count("id", filter=Q(status=Attendance.Status.LEAVE)),
        absent=Count("id", filter=Q(status=Attendance.Status.ABSENT)),
    )
    key = (row["organization_id"], row["date"].year, row["date"].month, row["kind"])
    counters = {
        "activities": 1,
        "leader_lectures": int(row["kind"] in LECTURE_KINDS and row["given_by_leader"]),
        "present": attendance["present"],
        "on_leave": attendance["on_leave"],
        "absent": attendance["absent"],
        "outside_headcount": row["outside_headcount"] or 0,
        "households": row["households_reached"] or 0,
        "enterprises": row["enterprises_reached"] or 0,
        "hours": row["hours"] or Decimal(0),
    }
    return key, counters


def _apply(activity_id, sign):
    contribution = _contribution(activity_id)
    if contribution is None:
        return
    (organization_id, year, month, kind), counters = contribution
    stat, _created = ActivityMonthStat.objects.select_for_update().get_or_create(
        organization_id=organization_id, year=year, month=month, kind=kind
    )
    ActivityMonthStat.objects.filter(pk=stat.pk).update(
        **{name: F(name) + sign * value for name, value in counters.items()}
    )


@transaction.atomic
def stats_add(activity_id):
    _apply(activity_id, +1)


@transaction.atomic
def stats_remove(activity_id):
    _apply(activity_id, -1)


def _computed(organization=None, year=None):
    """The counts as they should be, from the records: one query over activities, one over attendance."""
    activities = _counted()
    if organization is not None:
        activities = activities.filter(organization__path__startswith=organization.path)
    if year is not None:
        activities = activities.filter(date__year=year)
    group = ("organization_id", "y", "m", "kind")
    base = activities.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for row in base.values(*group).annotate(
        n=Count("id"),
        leaders=Count("id", filter=Q(kind__in=LECTURE_KINDS, given_by_leader=True)),
        outside=Sum("outside_headcount"),
        households=Sum("households_reached"),
        enterprises=Sum("enterprises_reached"),
        hours=Sum("hours"),
    ):
        counters = totals[tuple(row[name] for name in group)]
        counters.update(
            activities=row["n"],
            leader_lectures=row["leaders"],
            outside_headcount=row["outside"] or 0,
            households=row["households"] or 0,
            enterprises=row["enterprises"] or 0,
            hours=row["hours"] or Decimal(0),
        )
    attendance = (
        Attendance.objects.filter(activity__in=activities)
        .annotate(
            organization_id=F("activity__organization_id"),
            y=ExtractYear("activity__date"),
            m=ExtractMonth("activity__date"),
            kind=F("activity__kind"),
        )
        .values(*group)
        .annotate(
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            on_leave=Count("id", filter=Q(status=Attendance.Status.LEAVE)),
            absent=Count("id", filter=Q(status=Attendance.Status.ABSENT)),
        )
    )
    for row in attendance:
        counters = totals[tuple(row[name] for name in group)]
        counters.update(present=row["present"], on_leave=row["on_leave"], absent=row["absent"])
    return totals


def _stored(organization=None, year=None):
    stats = ActivityMonthStat.objects.all()
    if organization is not None:
        stats = stats.filter(organization__path__startswith=organization.path)
    if year is not None:
        stats = stats.filter(year=year)
    return stats


@transaction.atomic
def stats_rebuild(*, organization=None, year=None) -> int:
    """Recompute the counts of an organization's subtree and/or a year (everything when both are None)."""
    _stored(organization, year).delete()
    rows = [
        ActivityMonthStat(organization_id=org_id, year=y, month=m, kind=kind, **counters)
        for (org_id, y, m, kind), counters in _computed(organization, year).items()
    ]
    ActivityMonthStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def stats_verify(*, organization=None, year=None) -> list[str]:
    """Differences between the stored counts and the records; empty when they agree."""
    expected = dict(_computed(organization, year))
    differences = []
    for stat in _stored(organization, year):
        key = (stat.organization_id, stat.year, stat.month, stat.kind)
        stored = {name: getattr(stat, name) for name in COUNTERS}
        wanted = expected.pop(key, dict.fromkeys(COUNTERS, 0))
        if any(stored[name] != wanted[name] for name in COUNTERS):
            differences.append(f"{key}: stored {stored}, records say {wanted}")
    differences.extend(f"{key}: missing, records say {counters}" for key, counters in expected.items())
    return differences
