"""Summary rows of the approved records, kept exact: ActivityMonthStat (per organization, month and
kind) and PersonYearStat (each person's attendance per organization and year).

A service that approves, changes or deletes a record does it inside `with stats_kept(pk):`, in its
transaction: the record's old contribution is taken away before the change (`stats_remove`, while
the row still holds its old values) and its new one added after (`stats_add`). Both read the
persisted row, so the caller cannot pass the wrong state, and both ignore records that are not
approved. Bulk paths (imports, the demo data) call
`stats_rebuild` for the organization and year they touched.
"""

from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear, Greatest

from studyportal.accounts.models import Organization

from . import kinds
from .models import Activity, ActivityMonthStat, Attendance, PersonYearStat

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
    "joined",
)
PERSON_COUNTERS = ("present", "on_leave", "absent")
# Attendance status → the counter it adds to.
STATUS_COUNTER = {
    Attendance.Status.PRESENT: "present",
    Attendance.Status.LEAVE: "on_leave",
    Attendance.Status.ABSENT: "absent",
}


def _counted():
    return Activity.objects.filter(status=Activity.Status.APPROVED, deleted_at__isnull=True)


def _joining_branches(activity_id) -> list[int]:
    """The branches of the agency whose members were present at the agency's own activity."""
    return sorted(
        set(
            Attendance.objects.filter(
                activity_id=activity_id,
                status=Attendance.Status.PRESENT,
                person__branch__parent_id=F("activity__organization_id"),
            ).values_list("person__branch_id", flat=True)
        )
    )


def _contribution(activity_id):
    """What the persisted activity adds: (month key, month counters, {person id: counter name},
    branches joining it), or None if it does not count."""
    row = (
        _counted()
        .filter(pk=activity_id)
        .values(
            "organization_id",
            "organization__kind",
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
    people = {
        person_id: STATUS_COUNTER[status]
        for person_id, status in Attendance.objects.filter(activity_id=activity_id).values_list(
            "person_id", "status"
        )
    }
    statuses = list(people.values())
    key = (row["organization_id"], row["date"].year, row["date"].month, row["kind"])
    counters = {
        "activities": 1,
        "leader_lectures": int(kinds.spec(row["kind"]).lecture and row["given_by_leader"]),
        "present": statuses.count("present"),
        "on_leave": statuses.count("on_leave"),
        "absent": statuses.count("absent"),
        "outside_headcount": row["outside_headcount"] or 0,
        "households": row["households_reached"] or 0,
        "enterprises": row["enterprises_reached"] or 0,
        "hours": row["hours"] or Decimal(0),
        "joined": 0,
    }
    joining = _joining_branches(activity_id) if row["organization__kind"] == Organization.Kind.AGENCY else []
    return key, counters, people, joining


def _apply_people(organization_id, year, people, sign):
    """Add (sign +1) or take away (-1) one invitation per person: two queries whatever the number.

    The missing rows are inserted in person order and the counters changed by one UPDATE for
    everybody (a CASE per counter) rather than one per status, so that two records changed at once
    lock the same rows in the same order and cannot deadlock.
    """
    if not people:
        return
    PersonYearStat.objects.bulk_create(
        [PersonYearStat(person_id=pk, organization_id=organization_id, year=year) for pk in sorted(people)],
        ignore_conflicts=True,
    )
    changes = {}
    for name in PERSON_COUNTERS:
        ids = [pk for pk, counter in people.items() if counter == name]
        if ids:
            changes[name] = F(name) + Case(When(person_id__in=ids, then=Value(sign)), default=Value(0))
    PersonYearStat.objects.filter(
        organization_id=organization_id, year=year, person_id__in=list(people)
    ).update(**changes)


def _apply(activity_id, sign):
    contribution = _contribution(activity_id)
    if contribution is None:
        return
    (organization_id, year, month, kind), counters, people, joining = contribution
    stat, _created = ActivityMonthStat.objects.select_for_update().get_or_create(
        organization_id=organization_id, year=year, month=month, kind=kind
    )
    ActivityMonthStat.objects.filter(pk=stat.pk).update(
        **{name: F(name) + sign * value for name, value in counters.items()}
    )
    for branch_id in joining:
        stat, _created = ActivityMonthStat.objects.select_for_update().get_or_create(
            organization_id=branch_id, year=year, month=month, kind=kind
        )
        # Never below zero: a member who changed branch since the record was counted is looked up in
        # the new one (`stats_rebuild` puts such a row right; `stats_verify` names it).
        ActivityMonthStat.objects.filter(pk=stat.pk).update(joined=Greatest(F("joined") + sign, 0))
    _apply_people(organization_id, year, people, sign)


@transaction.atomic
def stats_add(activity_id):
    _apply(activity_id, +1)


@transaction.atomic
def stats_remove(activity_id):
    _apply(activity_id, -1)


@contextmanager
def stats_kept(activity_id):
    """Around a change of one record, in the caller's transaction (an error inside rolls it all back,
    so nothing is added after one)."""
    stats_remove(activity_id)
    yield
    stats_add(activity_id)


def _scoped(activities, organization, year):
    if organization is not None:
        activities = activities.filter(organization__path__startswith=organization.path)
    if year is not None:
        activities = activities.filter(date__year=year)
    return activities


def _status_counts():
    return {name: Count("id", filter=Q(status=status)) for status, name in STATUS_COUNTER.items()}


def _computed(organization=None, year=None):
    """The month counts as they should be, from the records: one query over activities, two over
    attendance (the statuses; the branches present at the agency's own activities)."""
    activities = _scoped(_counted(), organization, year)
    group = ("organization_id", "y", "m", "kind")
    base = activities.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
    totals = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for row in base.values(*group).annotate(
        n=Count("id"),
        leaders=Count("id", filter=Q(kind__in=kinds.kinds_where(lecture=True), given_by_leader=True)),
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
        .annotate(**_status_counts())
    )
    for row in attendance:
        counters = totals[tuple(row[name] for name in group)]
        counters.update({name: row[name] for name in PERSON_COUNTERS})
    # Keyed by the branch, which may lie in `organization` while the agency's activity does not.
    joined = Attendance.objects.filter(
        activity__in=_scoped(_counted(), None, year).filter(organization__kind=Organization.Kind.AGENCY),
        status=Attendance.Status.PRESENT,
        person__branch__parent_id=F("activity__organization_id"),
    )
    if organization is not None:
        joined = joined.filter(person__branch__path__startswith=organization.path)
    joined = (
        joined.annotate(
            branch_id=F("person__branch_id"),
            y=ExtractYear("activity__date"),
            m=ExtractMonth("activity__date"),
            kind=F("activity__kind"),
        )
        .values("branch_id", "y", "m", "kind")
        .annotate(n=Count("activity_id", distinct=True))
    )
    for row in joined:
        totals[(row["branch_id"], row["y"], row["m"], row["kind"])]["joined"] = row["n"]
    return totals


def _computed_people(organization=None, year=None):
    """(person id, organization id, year) → attendance counters, from the records (one query)."""
    activities = _scoped(_counted(), organization, year)
    group = ("person_id", "organization_id", "y")
    rows = (
        Attendance.objects.filter(activity__in=activities)
        .annotate(organization_id=F("activity__organization_id"), y=ExtractYear("activity__date"))
        .values(*group)
        .annotate(**_status_counts())
    )
    return {tuple(row[name] for name in group): {name: row[name] for name in PERSON_COUNTERS} for row in rows}


def _stored(model, organization=None, year=None):
    stats = model.objects.all()
    if organization is not None:
        stats = stats.filter(organization__path__startswith=organization.path)
    if year is not None:
        stats = stats.filter(year=year)
    return stats


@transaction.atomic
def stats_rebuild(*, organization=None, year=None) -> int:
    """Recompute the summary rows of an organization's subtree and/or a year (everything when both
    are None). Returns how many month rows were written (the person rows follow the same records)."""
    _stored(ActivityMonthStat, organization, year).delete()
    _stored(PersonYearStat, organization, year).delete()
    rows = [
        ActivityMonthStat(organization_id=org_id, year=y, month=m, kind=kind, **counters)
        for (org_id, y, m, kind), counters in _computed(organization, year).items()
    ]
    ActivityMonthStat.objects.bulk_create(rows, batch_size=2000)
    PersonYearStat.objects.bulk_create(
        [
            PersonYearStat(person_id=person_id, organization_id=org_id, year=y, **counters)
            for (person_id, org_id, y), counters in _computed_people(organization, year).items()
        ],
        batch_size=5000,
    )
    return len(rows)


def _differences(label, stored_rows, key_of, counters, expected) -> list[str]:
    differences = []
    for stat in stored_rows:
        key = key_of(stat)
        stored = {name: getattr(stat, name) for name in counters}
        wanted = expected.pop(key, dict.fromkeys(counters, 0))
        if any(stored[name] != wanted[name] for name in counters):
            differences.append(f"{label} {key}: stored {stored}, records say {wanted}")
    differences.extend(f"{label} {key}: missing, records say {wanted}" for key, wanted in expected.items())
    return differences


def stats_verify(*, organization=None, year=None) -> list[str]:
    """Differences between the stored summary rows and the records; empty when they agree.

    Month rows are named "month (organization id, year, month, kind)", person rows
    "person (person id, organization id, year)".
    """
    return _differences(
        "month",
        _stored(ActivityMonthStat, organization, year),
        lambda stat: (stat.organization_id, stat.year, stat.month, stat.kind),
        COUNTERS,
        dict(_computed(organization, year)),
    ) + _differences(
        "person",
        _stored(PersonYearStat, organization, year),
        lambda stat: (stat.person_id, stat.organization_id, stat.year),
        PERSON_COUNTERS,
        _computed_people(organization, year),
    )


def stats_after_person_move(sender, *, person, old_agency, **kwargs) -> None:
    """A member who changes branch takes their attendance at the agency's own activities with them
    (the `joined` counter of a branch counts its members'): the count rows of the agencies concerned
    are rebuilt for the years the person attended anything (studyportal.accounts.services.person_moved)."""
    years = set(
        Attendance.objects.filter(person=person).values_list("activity__date__year", flat=True).distinct()
    )
    for agency in {agency for agency in (old_agency, person.agency) if agency is not None}:
        for year in sorted(years):
            stats_rebuild(organization=agency, year=year)
