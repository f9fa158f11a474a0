"""What the annual summary reads: aggregates over an agency's approved records of one year.

`summary_data` runs a fixed number of queries whatever the size of the year (the counts and sums are
done by the database; only the rows the text names — lectures, visits, films, practice — are fetched).
"""

from dataclasses import dataclass, field

from django.db.models import F, Sum
from django.utils import translation
from django.utils.translation import gettext, ngettext

from activities.models import (
    KIND_GROUP,
    Activity,
    ActivityMonthStat,
    Group,
    Kind,
    PlanItem,
    RectificationItem,
    StudyPlan,
)
from activities.selectors.norms import GapSummary, gap_summaries, norm_results
from activities.selectors.points import LowPoints, low_points
from activities.selectors.publicity import publicity_counts_by_level
from studyportal.accounts.models import Organization

# The rows the text names one by one; everything else is only counted.
NAMED_KINDS = [
    Kind.PARTY_LECTURE,
    Kind.GUEST_LECTURE,
    Kind.FIELD_VISIT,
    Kind.FILM_VIEWING,
    Kind.VOLUNTEER_SERVICE,
    Kind.HOUSEHOLD_VISIT,
    Kind.ENTERPRISE_SERVICE,
]


@dataclass
class Turnout:
    present: int = 0
    total: int = 0


@dataclass
class SummaryData:
    agency: Organization
    year: int
    kind_counts: dict[str, int] = field(default_factory=dict)
    # group code → present / all attendance rows of that group's activities
    attendance: dict[str, Turnout] = field(default_factory=dict)
    # whether any of the year's records says who was on leave or absent (else a rate means nothing)
    records_absence: bool = False
    named: list[Activity] = field(default_factory=list)
    # activity id → titles of its materials, and the kind of each activity having materials
    materials: dict[int, list[str]] = field(default_factory=dict)
    # distinct titles studied in leading-study sessions, in the order they were first studied
    leading_titles: list[str] = field(default_factory=list)
    plan_title: str = ""
    next_plan_items: list[PlanItem] = field(default_factory=list)
    open_items: list[RectificationItem] = field(default_factory=list)
    low_points: LowPoints | None = None
    publicity_counts: dict[str, int] = field(default_factory=dict)
    # the missed periods summed up per organization and rule (each keeps the rule and periods it counts)
    norm_gaps: list[GapSummary] = field(default_factory=list)
    activities_previous_year: int = 0  # approved activities of the year before (0: none recorded)

    @property
    def year_on_year(self) -> str:
        """ "全年开展学习活动124次，较上年增加16次", or "" when the year before has no records."""
        return year_on_year_sentence(
            activities=sum(self.kind_counts.values()), previous=self.activities_previous_year
        )

    def count(self, *kinds) -> int:
        return sum(self.kind_counts.get(kind, 0) for kind in kinds)

    def named_of(self, *kinds) -> list[Activity]:
        return [activity for activity in self.named if activity.kind in kinds]


def approved_activities(*, agency: Organization, year: int):
    """The approved, non-deleted activities of the agency and its branches in the year."""
    return (
        Activity.objects.alive().approved().of_year(year).filter(organization__path__startswith=agency.path)
    )


def _norm_gaps(*, organization, year) -> list[GapSummary]:
    # The summary is the agency's Chinese document whatever language the reader's interface uses.
    with translation.override("zh-hans"):
        return gap_summaries(norm_results(organization=organization, year=year), agency=organization)


def summary_data(*, agency: Organization, year: int) -> SummaryData:
    data = SummaryData(agency=agency, year=year)
    activities = approved_activities(agency=agency, year=year)

    # 1: count and attendance per kind, from the monthly counts (kept exact by the services), folded
    # into groups for the attendance; never the attendance rows themselves.
    rows = (
        ActivityMonthStat.objects.filter(organization__path__startswith=agency.path, year=year)
        .values("kind")
        .annotate(n=Sum("activities"), present=Sum("present"), on_leave=Sum("on_leave"), absent=Sum("absent"))
        .order_by()
    )
    for row in rows:
        if row["n"]:
            data.kind_counts[row["kind"]] = row["n"]
        invited = row["present"] + row["on_leave"] + row["absent"]
        group = KIND_GROUP.get(row["kind"])
        if group is None or not invited:
            continue
        figures = data.attendance.setdefault(group, Turnout())
        figures.total += invited
        figures.present += row["present"]
        data.records_absence = data.records_absence or invited > row["present"]

    # 2: the named activities with their speakers
    data.named = list(
        activities.filter(kind__in=NAMED_KINDS).select_related("speaker").order_by("date", "id")
    )

    # 3: every material link of the year, in study order
    links = (
        Activity.materials.through.objects.filter(activity__in=activities)
        .values_list("activity_id", "activity__kind", "studymaterial__title")
        .order_by("activity__date", "activity_id", "studymaterial__title")
    )
    for activity_id, kind, title in links:
        data.materials.setdefault(activity_id, []).append(title)
        if KIND_GROUP.get(kind) == Group.LEADING and title not in data.leading_titles:
            data.leading_titles.append(title)

    # 4: this year's plan title
    data.plan_title = (
        StudyPlan.objects.filter(agency=agency, year=year).values_list("title", flat=True).first() or ""
    )

    # 5: next year's planned work that says what will be done
    data.next_plan_items = list(
        PlanItem.objects.filter(plan__agency=agency, plan__year=year + 1)
        .exclude(measures="")
        .order_by(F("month").asc(nulls_first=True), "id")
    )

    # 6: the year's unresolved rectification items
    data.open_items = list(
        RectificationItem.objects.filter(
            agency=agency, year=year, deleted_at__isnull=True, status__in=RectificationItem.OPEN_STATUSES
        )
        .select_related("owner")
        .order_by("id")
    )

    # 7: members under the points threshold (one query, none without a threshold)
    data.low_points = low_points(agency=agency, year=year)

    # 8: publicity placements per level (one query)
    data.publicity_counts = {
        level: n for level, n in publicity_counts_by_level(agency=agency, year=year).items() if n
    }

    data.norm_gaps = _norm_gaps(organization=agency, year=year)
    data.activities_previous_year = activities_in_year(organization=agency, year=year - 1)
    return data


# ---------------------------------------------------------------------------------------------
# Year on year


def activities_in_year(*, organization: Organization, year: int) -> int:
    """Approved activities of the organization's subtree in the year, from the monthly counts (one query)."""
    return (
        ActivityMonthStat.objects.filter(
            organization__path__startswith=organization.path, year=year
        ).aggregate(n=Sum("activities"))["n"]
        or 0
    )


def year_on_year_change(*, activities: int, previous: int) -> str:
    """ "较上年增加16次", "较上年减少3次", "与上年持平"; "" when the year before has no records."""
    if not previous:
        return ""
    difference = activities - previous
    if difference > 0:
        return gettext("%(n)d more than the year before") % {"n": difference}
    if difference < 0:
        return gettext("%(n)d fewer than the year before") % {"n": -difference}
    return gettext("as many as the year before")


def year_on_year_sentence(*, activities: int, previous: int) -> str:
    """ "全年开展学习活动124次，较上年增加16次" for the summary's opening; "" without a year before."""
    change = year_on_year_change(activities=activities, previous=previous)
    if not change:
        return ""
    return ngettext(
        "%(n)d study activity in the year, %(change)s",
        "%(n)d study activities in the year, %(change)s",
        activities,
    ) % {"n": activities, "change": change}


# ---------------------------------------------------------------------------------------------
# Where each figure comes from


@dataclass(frozen=True)
class FigureSource:
    """A figure of the summary and the records it counts, found with the ledger's own filter."""

    label: str
    filters: dict[str, str]  # the ledger's (/activities/) parameters besides year, agency and status
    records: list[tuple]  # (date, title) of each record, in date order

    @property
    def count(self) -> int:
        return len(self.records)


def source_figures() -> list[tuple[str, dict[str, str]]]:
    """The figures the summary states, as (label, ledger filter): the central group's sessions,
    the lectures given by leaders, then each kind."""
    from activities.filters import CENTRAL_GROUP

    return [
        (gettext("Central group study and seminars"), {"group": CENTRAL_GROUP}),
        (gettext("Lectures given by leaders"), {"leader": "1"}),
        *((str(label), {"kind": kind}) for kind, label in Kind.choices),
    ]


def summary_sources(*, agency: Organization, year: int) -> list[FigureSource]:
    """Each figure of `source_figures` that is not zero, with its records: the ledger's filter
    (activities.filters.ActivityFilter) applied to the year's approved records of the agency, so the
    appendix, the ledger and the figure cannot disagree. One query per figure of the list (a fixed
    number), for an export made on request."""
    from activities.filters import ActivityFilter

    approved = approved_activities(agency=agency, year=year)
    sources = []
    for label, filters in source_figures():
        rows = (
            ActivityFilter(filters, queryset=approved).qs.order_by("date", "id").values_list("date", "title")
        )
        records = list(rows)
        if records:
            sources.append(FigureSource(label=label, filters=filters, records=records))
    return sources
