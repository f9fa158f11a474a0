"""How often each kind must happen (the Norm rows) checked against the approved activities.

`norm_results` gives, per rule and organization, each period's required and actual count;
`norm_gaps` names the missed periods in words for the dashboard and the annual summary.
Counting is one aggregate grouped by organization, kind and month, whatever the number of
activities, periods or branches.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyportal.accounts.models import Organization, Role, RoleAssignment

from .models import CENTRAL_GROUP_KINDS, Activity, Kind, Norm

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
# Kinds that are "held" (召开); the others are "carried out" (开展).
MEETING_KINDS = {
    Kind.BRANCH_ASSEMBLY,
    Kind.BRANCH_COMMITTEE,
    Kind.PARTY_GROUP_MEETING,
    Kind.CENTRAL_GROUP_STUDY,
    Kind.CENTRAL_GROUP_SEMINAR,
    Kind.WEEKLY_STUDY,
}


@dataclass(frozen=True)
class PeriodResult:
    period: int  # month 1–12, quarter 1–4, or the year
    label: str  # "3月", "第三季度", "全年" (short, for a grid header)
    required: int
    actual: int
    status: str  # MET, GAP or NOT_DUE

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
    period: PeriodResult
    message: str  # "第三季度未召开支部党员大会"

    @property
    def full_message(self) -> str:
        """The message with the organization's name in front, for lists mixing branches."""
        return _("%(organization)s: %(gap)s") % {"organization": self.organization.name, "gap": self.message}


def norm_kinds(norm: Norm) -> set[str]:
    also = {code.strip() for code in norm.kinds_also.split(",") if code.strip()}
    return {norm.kind} | also


def norm_label(norm: Norm) -> str:
    if norm_kinds(norm) == set(CENTRAL_GROUP_KINDS):
        return _("Central group collective study")
    if norm.only_secretary_speaker:
        return _("%(kind)s by the branch secretary") % {"kind": norm.get_kind_display()}
    return norm.get_kind_display()


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


def _targets(organization: Organization, norms: list[Norm]) -> tuple[list[tuple[Norm, Organization]], dict]:
    """(rule, organization) pairs: an agency's own rules, then each branch's; for a committee, every
    agency under it. Also {branch id: agency id} for the branches that are their agency's only one."""
    agency_norms = [n for n in norms if n.scope == Norm.Scope.AGENCY]
    branch_norms = [n for n in norms if n.scope == Norm.Scope.BRANCH]
    if organization.kind == Organization.Kind.BRANCH:
        siblings = Organization.objects.filter(
            parent_id=organization.parent_id, kind=Organization.Kind.BRANCH, is_active=True
        ).count()
        only = {organization.pk: organization.parent_id} if siblings == 1 else {}
        return [(n, organization) for n in branch_norms], only
    if organization.kind == Organization.Kind.AGENCY:
        agencies = [organization]
    else:
        agencies = list(
            organization.subtree().filter(kind=Organization.Kind.AGENCY, is_active=True).order_by("path")
        )
    branches = defaultdict(list)
    for branch in Organization.objects.filter(
        parent__in=agencies, kind=Organization.Kind.BRANCH, is_active=True
    ).order_by("name"):
        branches[branch.parent_id].append(branch)
    pairs = []
    only = {}
    for agency in agencies:
        pairs += [(n, agency) for n in agency_norms]
        for branch in branches[agency.pk]:
            pairs += [(n, branch) for n in branch_norms]
        if len(branches[agency.pk]) == 1:
            only[branches[agency.pk][0].pk] = agency.pk
    return pairs, only


def _counts(
    organizations: list[Organization], also_org_ids: set[int], kinds: set[str], year: int
) -> tuple[dict, dict, dict]:
    """(org id, kind, month) → approved activities of the organizations' subtrees (and of
    `also_org_ids` themselves), the same for lectures whose speaker is a secretary of that branch or
    its agency, and org id → path. One aggregate query."""
    paths = {org.path for org in organizations}
    speaker_is_secretary = RoleAssignment.objects.filter(
        user=OuterRef("speaker"), role=Role.SECRETARY
    ).filter(Q(organization=OuterRef("organization")) | Q(organization=OuterRef("organization__parent")))
    orgs = Q(organization_id__in=also_org_ids)
    for path in paths:
        orgs |= Q(organization__path__startswith=path)
    rows = (
        Activity.objects.filter(
            orgs,
            status=Activity.Status.APPROVED,
            deleted_at__isnull=True,
            date__year=year,
            kind__in=kinds,
        )
        .annotate(month=ExtractMonth("date"), by_secretary=Exists(speaker_is_secretary))
        .values("organization_id", "organization__path", "kind", "month")
        .annotate(n=Count("id"), n_secretary=Count("id", filter=Q(by_secretary=True)))
        .order_by()
    )
    counts: dict = defaultdict(int)
    by_secretary: dict = defaultdict(int)
    path_of: dict = {}
    for row in rows:
        path_of[row["organization_id"]] = row["organization__path"]
        key = (row["organization_id"], row["kind"], row["month"])
        counts[key] += row["n"]
        by_secretary[key] += row["n_secretary"]
    return counts, by_secretary, path_of


def norm_results(*, organization: Organization, year: int, through: datetime.date | None = None):
    """Each active rule against the approved activities of `year`, as a list of NormResult.

    For an agency: its agency-scope rules against the activities of the agency and its branches, then
    for each branch the branch-scope rules against that branch's activities (an agency with a single
    branch often records branch meetings on the agency itself; those count for that branch). For a
    branch: its branch rules. Periods ending after `through` (default: today) and not yet met are
    "not yet due", not gaps.
    """
    through = through or timezone.localdate()
    norms = list(Norm.objects.filter(is_active=True))
    targets, agency_of_only_branch = _targets(organization, norms)
    if not targets:
        return []
    kinds = set().union(*(norm_kinds(n) for n, _org in targets))
    counts, by_secretary, path_of = _counts(
        [org for _n, org in targets], set(agency_of_only_branch.values()), kinds, year
    )
    # Counts indexed by organization, so each target reads only its own organizations' rows
    # (a committee has ~1,000 targets and ~50,000 count rows: a scan per target would take seconds).
    indexed = {False: defaultdict(list), True: defaultdict(list)}
    for by_secretary_only, source in ((False, counts), (True, by_secretary)):
        for (org_id, kind, month), n in source.items():
            indexed[by_secretary_only][org_id].append((kind, month, n))
    kinds_of = {norm.pk: norm_kinds(norm) for norm in norms}
    # The organizations whose records count towards each target.
    counted_orgs: dict[int, set[int]] = {}

    results = []
    for norm, org in targets:
        if org.pk not in counted_orgs:
            if org.kind == Organization.Kind.BRANCH:
                # Branch meetings recorded on an agency count for its branch when it has only one.
                ids = {org.pk}
                if org.pk in agency_of_only_branch:
                    ids.add(agency_of_only_branch[org.pk])
            else:
                ids = {pk for pk, path in path_of.items() if path.startswith(org.path)}
            counted_orgs[org.pk] = ids
        source = indexed[norm.only_secretary_speaker]
        wanted = kinds_of[norm.pk]
        monthly = [0] * 13
        for org_id in counted_orgs[org.pk]:
            for kind, month, n in source.get(org_id, ()):
                if kind in wanted:
                    monthly[month] += n
        periods = []
        for index in _period_indexes(norm.period):
            actual = sum(monthly[m] for m in _period_months(norm.period, index))
            if actual >= norm.minimum:
                status = MET
            elif _period_end(year, norm.period, index) > through:
                status = NOT_DUE
            else:
                status = GAP
            periods.append(
                PeriodResult(
                    period=index,
                    label=_period_label(norm.period, index),
                    required=norm.minimum,
                    actual=actual,
                    status=status,
                )
            )
        results.append(NormResult(norm=norm, organization=org, periods=periods))
    return results


def gap_message(norm: Norm, period: PeriodResult) -> str:
    when = _period_label(norm.period, period.period, long=True)
    what = norm_label(norm)
    if period.actual == 0:
        if norm.only_secretary_speaker:
            template = _("In %(period)s the branch secretary gave no Party lecture")
        elif norm.kind in MEETING_KINDS:
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
    """The gaps of results already computed (a page showing both needs the counting once)."""
    gaps = []
    for result in results:
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
