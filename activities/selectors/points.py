"""Reads for study points, and the one rule of members under the points threshold.

Lists start from `scope_q`, so another agency's rows are never reachable; the aggregates the summary
and the dashboard call take an agency the caller has already checked.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from studyportal.accounts.models import Organization, User
from studyportal.names import person_name_key, pinyin_key

from ..models import (
    StudyPoints,
)


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
