# One module though long: every function here serves the one count of norms against activities (the
# periods, the targets and their branches, the single query over the monthly counts), and the gaps,
# summaries and due reminders are that count put in words; split, each half would import the other.
"""How often each kind must happen (the Norm rows) checked against the approved activities.

`norm_results` gives, per rule and organization, each period's required and actual count;
`norm_gaps` names the missed periods in words for the dashboard and the annual summary.
Counting is one query whatever the number of activities, periods or branches: the monthly counts
(ActivityMonthStat), with the lectures that the secretary-speaker rules name grouped alongside.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connections
from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from studyportal.accounts.models import Organization, Role, RoleAssignment, User
from studyportal.accounts.scoping import under_q

from .. import kinds
from ..models import Activity, ActivityMonthStat, Norm

MET = "met"
GAP = "gap"
NOT_DUE = "not_due"

QUARTER_NAMES = [
    gettext_lazy("the first quarter"),
    gettext_lazy("the second quarter"),
    gettext_lazy("the third quarter"),
    gettext_lazy("the fourth quarter"),
]
QUARTER_SHORT = [gettext_lazy("Q1"), gettext_lazy("Q2"), gettext_lazy("Q3"), gettext_lazy("Q4")]


@dataclass(frozen=True)
class PeriodResult:
    period: int  # month 1–12, quarter 1–4, or the year
    kind: str  # Norm.Period: what `period` counts
    required: int
    actual: int
    status: str  # MET, GAP or NOT_DUE

    @property
    def label(self) -> str:
        """ "3月", "第三季度", "全年" (short, for a grid header). Translated when read, not when
        counted: a committee's results have ~9,000 periods and a page shows few of their labels."""
        return _period_label(self.kind, self.period)

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def is_gap(self) -> bool:
        return self.status == GAP


@dataclass(frozen=True)
class NormResult:
    norm: Norm
    organization: Organization
    periods: list[PeriodResult]
    # A rule about the branch secretary's lectures where nobody holds the secretary role: it cannot be
    # checked, so its periods are not gaps and the result says so once (`gaps_of`).
    secretary_unknown: bool = False

    @property
    def label(self) -> str:
        return norm_label(self.norm)

    @property
    def span(self) -> int:
        """How many months one period covers (the width of its cell in a month grid)."""
        return {Norm.Period.MONTH: 1, Norm.Period.QUARTER: 3}.get(self.norm.period, 12)

    @property
    def gaps(self) -> list[PeriodResult]:
        return [p for p in self.periods if p.status == GAP]


@dataclass(frozen=True)
class NormGap:
    norm: Norm
    organization: Organization
    period: PeriodResult | None  # None: the rule could not be checked (the secretary is not known)
    message: str  # "第三季度未召开支部党员大会"

    @property
    def full_message(self) -> str:
        """The message with the organization's name in front, for lists mixing branches."""
        return _("%(organization)s: %(gap)s") % {"organization": self.organization.name, "gap": self.message}


def norm_kinds(norm: Norm) -> set[str]:
    also = {code.strip() for code in norm.kinds_also.split(",") if code.strip()}
    return {norm.kind} | also


def norm_label(norm: Norm) -> str:
    if norm_kinds(norm) == set(kinds.kinds_where(central_group=True)):
        return _("Central group collective study")
    # The registry's label, as get_kind_display() gives it but without rebuilding the field's
    # choices (a callable) on every call: send_reminders labels some 5,000 rules in a city.
    found = kinds.get(norm.kind)
    kind = str(found.label) if found else norm.kind
    if norm.only_secretary_speaker:
        return _("%(kind)s by the branch secretary") % {"kind": kind}
    return kind


def _period_months(period: str, index: int) -> range:
    if period == Norm.Period.MONTH:
        return range(index, index + 1)
    if period == Norm.Period.QUARTER:
        return range(3 * index - 2, 3 * index + 1)
    return range(1, 13)


def _period_end(year: int, period: str, index: int) -> datetime.date:
    last_month = _period_months(period, index)[-1]
    return datetime.date(year, last_month, calendar.monthrange(year, last_month)[1])


def _period_label(period: str, index: int, *, long: bool = False) -> str:
    if period == Norm.Period.MONTH:
        return month_label(index)
    if period == Norm.Period.QUARTER:
        return str(QUARTER_NAMES[index - 1] if long else QUARTER_SHORT[index - 1])
    return _("the whole year") if long else _("Year")


def month_label(month: int) -> str:
    return _("Month %(month)d") % {"month": month}


def _period_indexes(period: str) -> range:
    return {Norm.Period.MONTH: range(1, 13), Norm.Period.QUARTER: range(1, 5)}.get(period, range(1, 2))


# What the engine counts for: an organization (a committee, an agency or a branch) with what lies
# under it, or several agencies with theirs (a page of the committee's overview).
Scope = Organization | tuple[Organization, ...]


def _key(scope: Scope):
    return tuple(org.pk for org in scope) if isinstance(scope, tuple) else scope.pk


def _branches(queryset):
    """Branches with what decides which rules apply to them: whether any member has a party group,
    whether anyone holds the secretary role on the branch (or on its agency, which `_targets` accepts
    only for an agency's single branch); no extra query."""
    secretaries = RoleAssignment.objects.filter(role=Role.SECRETARY)
    secretary = secretaries.filter(Q(organization=OuterRef("pk")) | Q(organization=OuterRef("parent")))
    groups = User.objects.filter(branch=OuterRef("pk"), is_active=True).exclude(party_group="")
    return queryset.annotate(
        has_party_groups=Exists(groups),
        has_secretary=Exists(secretary),
        has_own_secretary=Exists(secretaries.filter(organization=OuterRef("pk"))),
    )


def applies(norm: Norm, branch: Organization) -> bool:
    """A rule applies where it can: the party-group meeting only in a branch with party groups."""
    if kinds.spec(norm.kind).party_groups_only:
        return bool(getattr(branch, "has_party_groups", True))
    return True


def secretary_unknown(norm: Norm, organization: Organization) -> bool:
    return (
        norm.only_secretary_speaker
        and organization.kind == Organization.Kind.BRANCH
        and not getattr(organization, "has_secretary", True)
    )


def _targets(organization: Scope, norms: list[Norm]) -> tuple[list[tuple[Norm, Organization]], dict]:
    """(rule, organization) pairs: an agency's own rules, then each branch's (those that apply to it:
    `applies`); for a committee, every agency under it; for several agencies, each of them. Also
    {branch id: agency id} for the branches that are their agency's only one."""
    agency_norms = [n for n in norms if n.scope == Norm.Scope.AGENCY]
    branch_norms = [n for n in norms if n.scope == Norm.Scope.BRANCH]
    if isinstance(organization, tuple):
        agencies = list(organization)
    elif organization.kind == Organization.Kind.BRANCH:
        siblings = (
            Organization.objects.filter(
                parent_id=OuterRef("parent_id"), kind=Organization.Kind.BRANCH, is_active=True
            )
            .values("parent_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        branch = (
            _branches(Organization.objects.filter(pk=organization.pk))
            .annotate(siblings=Subquery(siblings))
            .get()
        )
        only = {organization.pk: organization.parent_id} if branch.siblings == 1 else {}
        return [(n, branch) for n in branch_norms if applies(n, branch)], only
    elif organization.kind == Organization.Kind.AGENCY:
        agencies = [organization]
    else:
        agencies = list(
            organization.subtree().filter(kind=Organization.Kind.AGENCY, is_active=True).order_by("path")
        )
    branches = defaultdict(list)
    for branch in _branches(
        Organization.objects.filter(parent__in=agencies, kind=Organization.Kind.BRANCH, is_active=True)
    ).order_by("name"):
        branches[branch.parent_id].append(branch)
    for siblings in branches.values():
        if len(siblings) > 1:
            # Where an agency has several branches, its secretary is no branch's secretary.
            for branch in siblings:
                branch.has_secretary = branch.has_own_secretary
    pairs = []
    only = {}
    for agency in agencies:
        pairs += [(n, agency) for n in agency_norms]
        for branch in branches[agency.pk]:
            pairs += [(n, branch) for n in branch_norms if applies(n, branch)]
        if len(branches[agency.pk]) == 1:
            only[branches[agency.pk][0].pk] = agency.pk
    return pairs, only


def _within(organization: Scope, also_org_ids: set[int]) -> Q:
    """The organizations under `organization`, or under each of several agencies, themselves
    included, and `also_org_ids`: a filter on Organization."""
    organizations = organization if isinstance(organization, tuple) else (organization,)
    return under_q([org.path for org in organizations], None) | Q(pk__in=also_org_ids)


# Activities per month ([0, January, …, December]) where there were none.
NO_ACTIVITY = (0,) * 13


def _counts(
    organization: Scope,
    also_org_ids: set[int],
    kinds: set[str],
    secretary_kinds: set[str],
    year: int,
) -> tuple[dict, dict, dict]:
    """(secretary only, org id, kind) → approved activities per month ([0, January, …, December])
    of the organization's subtree (and of `also_org_ids` themselves), where "secretary only" counts
    just the lectures whose speaker is a secretary of that branch or its agency; the same for the
    agency's own activities that each branch joined (ActivityMonthStat.joined; for the lectures: an
    agency's lecture given by a branch's secretary counts as joined by that branch); and org id →
    path. One query.

    Every target lies in that subtree, so one path prefix selects the rows (a prefix per target,
    ~300 for a committee, made PostgreSQL test each row against every one of them).

    The counts come from the monthly summary rows (ActivityMonthStat), never from the activities.
    Only the lectures of `secretary_kinds` (the kinds the secretary-speaker rules name, a few thousand
    a county-year) are read as records, because their speaker's role is checked as it is now: a
    counter kept ahead would go stale when a role changes hands. All parts travel in one UNION ALL.
    (The twelve months side by side, with a FILTER per month, made fewer rows but cost more to
    build and to run.)
    """
    # The organizations as a subquery, so that PostgreSQL reaches the rows through their
    # (year, organization) and (organization, date) indexes rather than filtering a county's year.
    within = _within(organization, also_org_ids)
    scope = Q(organization__in=Organization.objects.filter(within).values("pk"))
    # The organizations' paths travel once each, in a part of their own (a city's ~3,000), not on
    # each of the ~100,000 count rows: those carry none, nor join the organizations for it.
    no_path = Value(None, output_field=CharField())
    columns = ("secretary_only", "organization_id", "no_path", "kind", "month", "n", "j")
    paths = (
        Organization.objects.filter(within)
        .annotate(secretary_only=Value(False), no_kind=Value(""), no_month=Value(0), n=Value(0), j=Value(0))
        .values_list("secretary_only", "pk", "path", "no_kind", "no_month", "n", "j")
        .order_by()
    )
    counted = (
        ActivityMonthStat.objects.filter(
            scope, Q(activities__gt=0) | Q(joined__gt=0), year=year, kind__in=kinds
        )
        .annotate(secretary_only=Value(False), no_path=no_path, n=F("activities"), j=F("joined"))
        .values_list(*columns)
        .order_by()
    )
    parts = [counted]
    if secretary_kinds:
        # The year's lectures with a speaker, as the partial index activity_lecture_year holds them
        # (its condition, spelt out, lets PostgreSQL use it): one range of it, read without the table.
        # Counted with COUNT(*) below, which needs no column outside the index.
        lectures = Activity.objects.filter(
            scope,
            status=Activity.Status.APPROVED,
            deleted_at__isnull=True,
            speaker__isnull=False,
            date__year=year,
            kind__in=secretary_kinds,
        ).annotate(
            secretary_only=Value(True),
            # As an integer: PostgreSQL's EXTRACT gives a numeric, which would type the UNION's
            # month column so and make psycopg2 build a Decimal for every row.
            month=Cast(ExtractMonth("date"), IntegerField()),
        )
        speaker_is_secretary = RoleAssignment.objects.filter(
            user=OuterRef("speaker"), role=Role.SECRETARY
        ).filter(Q(organization=OuterRef("organization")) | Q(organization=OuterRef("organization__parent")))
        held = (
            lectures.filter(Exists(speaker_is_secretary))
            .annotate(no_path=no_path)
            .values_list(*columns[:5])
            .annotate(n=Count("*"), j=Value(0))
            .order_by()
        )
        # An agency's own lecture given by the secretary of one of its branches: that branch's.
        joint = (
            lectures.filter(
                organization__kind=Organization.Kind.AGENCY,
                speaker__roles__role=Role.SECRETARY,
                speaker__roles__organization__parent=F("organization"),
            )
            .annotate(
                branch=F("speaker__roles__organization_id"),
                branch_path=F("speaker__roles__organization__path"),
            )
            .values_list("secretary_only", "branch", "branch_path", "kind", "month")
            .annotate(n=Value(0), j=Count("*"))
            .order_by()
        )
        parts += [held, joint]
    query = paths.union(*parts, all=True)
    # Read bare from the cursor: Django's converters for the constant columns (a Python call per
    # value) took ~0.5 s of a city's ~100,000 rows, and every column is already of its type (the
    # month an integer, above; SQLite's booleans 0 and 1 find the same keys as False and True).
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    monthly: dict = {}
    joined: dict = {}
    path_of: dict = {}
    # No objects per row beyond the key, a list only when first seen.
    for secretary_only, org_id, path, kind, month, n, j in rows:
        key = (secretary_only, org_id, kind)
        if path is not None:
            path_of[org_id] = path
        if n:
            months = monthly.get(key)
            if months is None:
                months = monthly[key] = [0] * 13
            months[month] += n
        if j:
            months = joined.get(key)
            if months is None:
                months = joined[key] = [0] * 13
            months[month] += j
    return monthly, joined, path_of


def _windows(year: int) -> dict[str, list[tuple[int, int, int, datetime.date]]]:
    """Per kind of period: (index, first month, month after the last, last day) of each period."""
    windows = {}
    for period in Norm.Period.values:
        windows[period] = []
        for index in _period_indexes(period):
            months = _period_months(period, index)
            windows[period].append((index, months.start, months.stop, _period_end(year, period, index)))
    return windows


def _status(actual: int, minimum: int, end: datetime.date, through: datetime.date) -> str:
    if actual >= minimum:
        return MET
    return NOT_DUE if end > through else GAP


def _period_result(
    norm: Norm, monthly, window: tuple[int, int, int, datetime.date], through: datetime.date, unknown: bool
) -> PeriodResult:
    """One period of a rule (`window`: one of `_windows`) against the activities per month; a rule
    that cannot be checked (`unknown`: `secretary_unknown`) has no gaps, only periods not yet due."""
    index, first, stop, end = window
    actual = sum(monthly[first:stop])
    status = _status(actual, norm.minimum, end, through)
    return PeriodResult(
        period=index,
        kind=norm.period,
        required=norm.minimum,
        actual=actual,
        status=NOT_DUE if unknown and status == GAP else status,
    )


def _monthly_per_target(*, organization: Scope, year: int, norms: list[Norm] | None = None):
    """(rule, organization, activities per month [index 1–12]) for each rule that applies.

    For an agency: its agency-scope rules against the activities of the agency and its branches, then
    for each branch the branch-scope rules against that branch's activities (an agency with a single
    branch often records branch meetings on the agency itself; those count for that branch). For a
    branch: its branch rules. `norms`: the active rules when the caller has them already.
    """
    if norms is None:
        norms = active_norms()
    targets, agency_of_only_branch = _targets(organization, norms)
    if not targets:
        return
    kinds_of = {norm.id: frozenset(norm_kinds(norm)) for norm in norms}
    applied = {norm.id: norm for norm, _org in targets}.values()
    kinds = set().union(*(kinds_of[n.id] for n in applied))
    secretary_kinds = set().union(*(kinds_of[n.id] for n in applied if n.only_secretary_speaker))
    # Indexed by (secretary only, organization, kind), so each target reads only its own
    # organizations' rows (a committee has ~1,300 targets).
    indexed, joined, path_of = _counts(
        organization, set(agency_of_only_branch.values()), kinds, secretary_kinds, year
    )
    # The organizations under each path ("/1/4/9/" is under "/1/4/" and "/1/"), for agency targets.
    under: dict[str, set[int]] = defaultdict(set)
    for org_id, path in path_of.items():
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            under["/" + "/".join(parts[:depth]) + "/"].add(org_id)
    branch = Organization.Kind.BRANCH
    # The quarterly and the yearly rule of the same kinds read the same months: worked out once.
    monthly_of: dict[tuple, list[int]] = {}
    for norm, org in targets:
        wanted = kinds_of[norm.id]
        secretary_only = norm.only_secretary_speaker
        key = (org.id, wanted, secretary_only)
        monthly = monthly_of.get(key)
        if monthly is None:
            joined_by = ()
            if org.kind == branch:
                # Branch meetings recorded on an agency count for its branch when it has only one;
                # when it has several, the agency's activities that the branch's members joined do.
                ids = {org.id}
                if org.id in agency_of_only_branch:
                    ids.add(agency_of_only_branch[org.id])
                else:
                    joined_by = (org.id,)
            else:
                ids = under.get(org.path, ())
            sources = [
                counts[source]
                for counts, org_ids in ((indexed, ids), (joined, joined_by))
                for org_id in org_ids
                for kind in wanted
                if (source := (secretary_only, org_id, kind)) in counts
            ]
            # Most targets read one row or none: only several are added up (the lists are shared,
            # read-only).
            if len(sources) > 1:
                monthly = [sum(months) for months in zip(*sources, strict=True)]
            else:
                monthly = sources[0] if sources else NO_ACTIVITY
            monthly_of[key] = monthly
        yield norm, org, monthly


def active_norms() -> list[Norm]:
    """The rules in force (one query)."""
    return list(Norm.objects.filter(is_active=True))


class NormCounts:
    """The counting of `_monthly_per_target`, done once per organization and year and shared by the
    passes of one request (the overview's tally and its rules due now read the same year's monthly
    counts: a city's ~235,000 rows, once instead of twice). `norms`: the active rules, read on first
    use when not given. The rules stay those of `norm_results`, `norm_tally` and `norms_due`, which
    take a NormCounts where a caller has one."""

    def __init__(self, norms: list[Norm] | None = None):
        self._norms = norms
        self._targets: dict[tuple[int, int], list] = {}

    @property
    def norms(self) -> list[Norm]:
        if self._norms is None:
            self._norms = active_norms()
        return self._norms

    def targets(self, organization: Scope, year: int) -> list:
        """(rule, organization, activities per month) per rule that applies, as `_monthly_per_target`."""
        key = (_key(organization), year)
        if key not in self._targets:
            self._targets[key] = list(
                _monthly_per_target(organization=organization, year=year, norms=self.norms)
            )
        return self._targets[key]


def norm_results(
    *,
    organization: Organization,
    year: int,
    through: datetime.date | None = None,
    norms: list[Norm] | None = None,
    counts: NormCounts | None = None,
):
    """Each active rule against the approved activities of `year`, as a list of NormResult (which
    rules apply to whom: `_monthly_per_target`; `norms`: the active rules when the caller has them;
    `counts`: the counting shared with other passes of the request).
    Periods ending after `through` (default: today) and not yet met are "not yet due", not gaps."""
    through = through or timezone.localdate()
    windows = _windows(year)
    results = []
    if counts is None:
        targets = _monthly_per_target(organization=organization, year=year, norms=norms)
    else:
        targets = counts.targets(organization, year)
    for norm, org, monthly in targets:
        unknown = secretary_unknown(norm, org)
        periods = [_period_result(norm, monthly, window, through, unknown) for window in windows[norm.period]]
        results.append(NormResult(norm=norm, organization=org, periods=periods, secretary_unknown=unknown))
    return results


def norm_tally(
    *,
    organization: Scope,
    year: int,
    through: datetime.date | None = None,
    counts: NormCounts | None = None,
) -> list[tuple[Organization, int, int]]:
    """(organization, periods met, periods due) per rule that applies: what `norm_results` says,
    counted without building a result per period (a committee's year has ~9,000 of them).
    `counts`: the counting shared with other passes of the request."""
    through = through or timezone.localdate()
    # Per kind of period: each period's months, and how many periods have ended by `through` (the
    # first ones: the periods run in order).
    spans, ended = {}, {}
    for period, windows in _windows(year).items():
        spans[period] = [(first, stop) for _index, first, stop, _end in windows]
        ended[period] = sum(end <= through for *_rest, end in windows)
    month = Norm.Period.MONTH
    tally = []
    targets = (counts or NormCounts()).targets(organization, year)
    for norm, org, monthly in targets:
        if secretary_unknown(norm, org):
            tally.append((org, 0, 0))  # cannot be checked: neither met nor due
            continue
        minimum = norm.minimum
        # Each period's count: for a monthly rule the months themselves (most rules, no adding up).
        if norm.period == month:
            actuals = monthly[1:]
        else:
            actuals = [sum(monthly[first:stop]) for first, stop in spans[norm.period]]
        # The statuses of `_status`, counted: a period is due when it is met or has ended.
        met = [actual >= minimum for actual in actuals]
        first_open = ended[norm.period]
        tally.append((org, sum(met), first_open + sum(met[first_open:])))
    return tally


def gap_message(norm: Norm, period: PeriodResult) -> str:
    when = _period_label(norm.period, period.period, long=True)
    what = norm_label(norm)
    if period.actual == 0:
        if norm.only_secretary_speaker:
            template = _("In %(period)s the branch secretary gave no Party lecture")
        elif kinds.spec(norm.kind).meeting:
            template = _("No %(kind)s held in %(period)s")
        else:
            template = _("No %(kind)s carried out in %(period)s")
        return template % {"period": when, "kind": what}
    return _("%(kind)s in %(period)s: %(actual)d, fewer than %(required)d") % {
        "period": when,
        "kind": what,
        "actual": period.actual,
        "required": period.required,
    }


def norm_gaps(*, organization: Organization, year: int, through: datetime.date | None = None):
    """The missed periods of `norm_results`, each with a message such as "第三季度未召开支部党员大会"."""
    return gaps_of(norm_results(organization=organization, year=year, through=through))


def gaps_of(results: list[NormResult]) -> list[NormGap]:
    """The gaps of results already computed (a page showing both needs the counting once); a rule that
    cannot be checked for want of a secretary is one entry saying so."""
    gaps = []
    for result in results:
        if result.secretary_unknown:
            gaps.append(
                NormGap(
                    norm=result.norm,
                    organization=result.organization,
                    period=None,
                    message=secretary_unknown_message(result.norm, result.organization),
                )
            )
        for period in result.gaps:
            gaps.append(
                NormGap(
                    norm=result.norm,
                    organization=result.organization,
                    period=period,
                    message=gap_message(result.norm, period),
                )
            )
    return gaps


def secretary_unknown_message(norm: Norm, organization: Organization) -> str:
    return _(
        "The secretary of %(organization)s is not known, so “%(rule)s” cannot be checked: give the "
        "branch's secretary the secretary role."
    ) % {"organization": organization.name, "rule": norm_label(norm)}


# A sentence names at most this many periods; the rest are counted.
MAX_PERIODS_NAMED = 3


@dataclass(frozen=True)
class GapSummary:
    """The missed periods of one rule in one organization, in one sentence
    ("机关第二党支部3月、9月未召开支部委员会会议"); `norm`, `organization` and `periods` say what it
    counts."""

    norm: Norm
    organization: Organization
    periods: list[PeriodResult]
    message: str
    rule: str = ""  # the rule's label, in the language the message was written in
    secretary_unknown: bool = False


def _periods_text(norm: Norm, periods: list[PeriodResult]) -> str:
    named = [_period_label(norm.period, p.period, long=True) for p in periods[:MAX_PERIODS_NAMED]]
    text = _(", ").join(str(label) for label in named)
    if len(periods) > MAX_PERIODS_NAMED:
        unit = {Norm.Period.MONTH: _("months"), Norm.Period.QUARTER: _("quarters")}.get(norm.period, "")
        text = _("%(named)s and others, %(n)d %(unit)s in all") % {
            "named": text,
            "n": len(periods),
            "unit": unit,
        }
    return text


def gap_summaries(results: list[NormResult], *, agency: Organization | None = None) -> list[GapSummary]:
    """The gaps summed up per organization and rule: the periods with nothing held in one sentence,
    those with too few in another, each naming at most MAX_PERIODS_NAMED periods. The organization is
    named unless it is `agency` itself (the summary of an agency speaks of its own rules plainly)."""
    summaries = []
    for result in results:
        norm, organization = result.norm, result.organization
        if result.secretary_unknown:
            message = secretary_unknown_message(norm, organization)
            summaries.append(GapSummary(norm, organization, [], message, norm_label(norm), True))
            continue
        who = "" if agency is not None and organization.pk == agency.pk else organization.name
        missed = [p for p in result.gaps if p.actual == 0]
        short = [p for p in result.gaps if p.actual > 0]
        if missed:
            if norm.only_secretary_speaker:
                template = _("%(who)s: in %(periods)s the branch secretary gave no Party lecture")
            elif kinds.spec(norm.kind).meeting:
                template = _("%(who)s: no %(kind)s held in %(periods)s")
            else:
                template = _("%(who)s: no %(kind)s carried out in %(periods)s")
            message = template % {
                "who": who,
                "periods": _periods_text(norm, missed),
                "kind": norm_label(norm),
            }
            summaries.append(GapSummary(norm, organization, missed, message.lstrip(": ："), norm_label(norm)))
        if short:
            message = _("%(who)s: %(kind)s fewer than %(required)d in %(periods)s") % {
                "who": who,
                "kind": norm_label(norm),
                "required": norm.minimum,
                "periods": _periods_text(norm, short),
            }
            summaries.append(GapSummary(norm, organization, short, message.lstrip(": ："), norm_label(norm)))
    return summaries


# ---------------------------------------------------------------------------------------------
# The current period: what is due before it is missed

GREEN = "green"  # not yet met, more than the warning days left
AMBER = "amber"  # not yet met, the last days of the period
RED = "red"  # the period ended without being met (shown for as many days as amber is)


@dataclass(frozen=True)
class DueNorm:
    """A rule's period, not met, that is running now or has just ended (from `norm_results`)."""

    norm: Norm
    organization: Organization
    year: int
    period: PeriodResult
    end: datetime.date
    days_left: int  # days left counting today (1 on the last day); 0 or less once ended
    colour: str  # GREEN, AMBER or RED

    @property
    def label(self) -> str:
        return norm_label(self.norm)

    @property
    def period_label(self) -> str:
        """ "2026年第四季度", "2026年12月", "2026年全年"."""
        return _("%(period)s %(year)d") % {
            "year": self.year,
            "period": _period_label(self.norm.period, self.period.period, long=True),
        }

    @property
    def key(self) -> str:
        """Names the rule, organization and period: a reminder is sent once per key and colour."""
        return (
            f"norm:{self.norm.pk}:{self.organization.pk}:{self.year}:{self.norm.period}:{self.period.period}"
        )

    @property
    def message(self) -> str:
        if self.colour == RED:
            return _("%(year)d: %(gap)s") % {"year": self.year, "gap": gap_message(self.norm, self.period)}
        return ngettext(
            "%(kind)s in %(period)s: %(actual)d of %(required)d held, %(days)d day left",
            "%(kind)s in %(period)s: %(actual)d of %(required)d held, %(days)d days left",
            self.days_left,
        ) % {
            "kind": self.label,
            "period": self.period_label,
            "actual": self.period.actual,
            "required": self.period.required,
            "days": self.days_left,
        }


COLOUR_ORDER = {RED: 0, AMBER: 1, GREEN: 2}


def due_order(due: DueNorm):
    """Most urgent first: missed, then amber, then green; fewest days left first."""
    return (COLOUR_ORDER[due.colour], due.days_left, due.organization.path, due.norm.pk)


def norm_warning_days() -> int:
    """From how many days before a period's end an unmet rule is amber (setting NORM_WARNING_DAYS)."""
    from django.conf import settings

    return settings.NORM_WARNING_DAYS


def _due_periods(organization: Scope, today: datetime.date, warning_days: int, counts: NormCounts):
    """(rule, organization, year, period index, actual, status, end, days left, colour) of each period
    that `norms_due` reports, as plain tuples: the overview counts a city's colours without an object
    per period (`norms_due_colours`)."""
    through = today - datetime.timedelta(days=1)
    years = [today.year]
    if (today - datetime.timedelta(days=warning_days)).year < today.year:
        years.insert(0, today.year - 1)
    for year in years:
        windows = _windows(year)
        # The periods that can be due now: begun by today and not ended more than `warning_days` ago
        # (those of `norm_results` that the loop below would pass over, left uncounted: a city's
        # year has ~100,000 periods, a few thousand of them current).
        current = {
            kind: [
                window
                for window in kind_windows
                if datetime.date(year, window[1], 1) <= today and (window[3] - today).days + 1 > -warning_days
            ]
            for kind, kind_windows in windows.items()
        }
        for norm, org, monthly in counts.targets(organization, year):
            unknown = secretary_unknown(norm, org)
            minimum = norm.minimum
            # Where the rule cannot be checked every begun period stays "not due" (amber, however old).
            for index, first, stop, end in windows[norm.period] if unknown else current[norm.period]:
                actual = sum(monthly[first:stop])
                status = _status(actual, minimum, end, through)
                if status == MET:
                    continue
                if unknown:
                    status = NOT_DUE
                days_left = (end - today).days + 1
                if status == NOT_DUE:
                    if datetime.date(year, first, 1) > today:
                        continue  # a later period of the year
                    colour = AMBER if days_left <= warning_days else GREEN
                elif -days_left < warning_days:
                    colour = RED
                else:
                    continue  # missed longer ago: the norms page lists it
                yield norm, org, year, index, actual, status, end, days_left, colour


def norms_due(
    *,
    organization: Organization,
    today: datetime.date | None = None,
    warning_days: int | None = None,
    norms: list[Norm] | None = None,
    counts: NormCounts | None = None,
) -> list[DueNorm]:
    """The periods of `norm_results` that are not met and are running today (green, amber within
    `warning_days` of their end) or ended within the last `warning_days` days (red), most urgent first.

    The counting is `norm_results`'s, through yesterday: a period that ends today is still open.
    In the first days of January the previous year's last periods are checked as well (their own
    count, a second pass of the engine). `counts`: the counting shared with other passes of the
    request (a page that also shows this year's tally counts once).
    """
    today = today or timezone.localdate()
    warning_days = norm_warning_days() if warning_days is None else warning_days
    if counts is None:
        counts = NormCounts(norms)
    due = [
        DueNorm(
            norm=norm,
            organization=org,
            year=year,
            period=PeriodResult(
                period=index, kind=norm.period, required=norm.minimum, actual=actual, status=status
            ),
            end=end,
            days_left=days_left,
            colour=colour,
        )
        for norm, org, year, index, actual, status, end, days_left, colour in _due_periods(
            organization, today, warning_days, counts
        )
    ]
    due.sort(key=due_order)
    return due


def norms_due_colours(
    organizations: list[Organization], *, today: datetime.date | None = None, counts: NormCounts | None = None
) -> list[tuple[Organization, str]]:
    """(organization, colour) of each period `norms_due` reports for these organizations, unordered:
    what a page that only counts them needs, without a DueNorm per period."""
    today = today or timezone.localdate()
    warning_days = norm_warning_days()
    if counts is None:
        counts = NormCounts()
    return [
        (due[1], due[-1])
        for organization in organizations
        for due in _due_periods(organization, today, warning_days, counts)
    ]
