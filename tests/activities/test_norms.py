"""The norms checker against hand-built records: exactly the missing months, quarters and years."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import Activity, Kind, Norm
from activities.selectors.norms import GAP, MET, NOT_DUE, norm_gaps, norm_results, norm_tally
from activities.services import activity as services
from studyportal.accounts.models import Organization, Role
from tests.factories import ActivityFactory, OrganizationFactory, RoleAssignmentFactory, UserFactory

YEAR = 2022
YEAR_END = datetime.date(2022, 12, 31)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def held(db):
    """`held(org, kind, *months, **fields)` records one approved activity in each month (and counts it)."""
    recorder = UserFactory(username="norms_recorder", real_name="记录人")

    def record(org, kind, *months, day=10, **fields):
        for month in months:
            ActivityFactory(
                organization=org,
                kind=kind,
                date=datetime.date(YEAR, month, day),
                recorded_by=recorder,
                **fields,
            )

    return record


def result_for(results, kind, period, org=None, secretary_only=False):
    matches = [
        r
        for r in results
        if r.norm.kind == kind
        and r.norm.period == period
        and r.norm.only_secretary_speaker == secretary_only
        and (org is None or r.organization == org)
    ]
    assert len(matches) == 1
    return matches[0]


def gap_periods(result):
    return [p.period for p in result.periods if p.status == GAP]


def messages(gaps, kind):
    return [g.message for g in gaps if g.norm.kind == kind]


def test_the_default_norms_are_seeded_by_the_migration(db):
    rules = {
        (n.kind, n.scope, n.period, n.minimum, n.only_secretary_speaker, n.is_local)
        for n in Norm.objects.all()
    }
    assert rules == {
        ("branch_assembly", "branch", "quarter", 1, False, False),
        ("branch_committee", "branch", "month", 1, False, False),
        ("party_group_meeting", "branch", "month", 1, False, False),
        ("theme_party_day", "branch", "month", 1, False, False),
        ("party_lecture", "branch", "year", 1, True, False),
        ("party_lecture", "branch", "quarter", 1, False, True),
        ("central_group_study", "agency", "quarter", 1, False, True),
        ("central_group_study", "agency", "year", 12, False, True),
    }
    assert Norm.objects.filter(source__contains="支部工作条例").count() == 5


def test_a_monthly_rule_finds_exactly_the_missing_months(branch, held):
    held(branch, Kind.BRANCH_COMMITTEE, 1, 2, 4, 5, 6, 8, 9, 10, 11, 12)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    committee = result_for(results, Kind.BRANCH_COMMITTEE, Norm.Period.MONTH)
    assert gap_periods(committee) == [3, 7]
    gaps = norm_gaps(organization=branch, year=YEAR, through=YEAR_END)
    assert messages(gaps, Kind.BRANCH_COMMITTEE) == ["3月未召开支部委员会会议", "7月未召开支部委员会会议"]


def test_a_quarterly_rule_finds_the_missing_quarter(branch, held):
    held(branch, Kind.BRANCH_ASSEMBLY, 2, 5, 11)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assembly = result_for(results, Kind.BRANCH_ASSEMBLY, Norm.Period.QUARTER)
    assert [(p.period, p.actual, p.status) for p in assembly.periods] == [
        (1, 1, MET),
        (2, 1, MET),
        (3, 0, GAP),
        (4, 1, MET),
    ]
    gaps = norm_gaps(organization=branch, year=YEAR, through=YEAR_END)
    assert messages(gaps, Kind.BRANCH_ASSEMBLY) == ["第三季度未召开支部党员大会"]


def test_an_agency_is_checked_on_its_own_rules_and_each_branch_on_the_branch_rules(agency, branch, held):
    # Central group sessions: 9 in the year (study and seminar both count), none in the third quarter;
    # one of them recorded on the branch still counts for the agency.
    held(agency, Kind.CENTRAL_GROUP_STUDY, 1, 2, 3, 4, 5, 10)
    held(agency, Kind.CENTRAL_GROUP_SEMINAR, 6, 12)
    held(branch, Kind.CENTRAL_GROUP_STUDY, 11)
    second_branch = OrganizationFactory(kind=Organization.Kind.BRANCH, parent=agency, name="第二党支部")
    held(branch, Kind.BRANCH_ASSEMBLY, 1, 4, 7, 10)
    held(second_branch, Kind.BRANCH_ASSEMBLY, 1, 4, 10)

    results = norm_results(organization=agency, year=YEAR, through=YEAR_END)

    assert {r.organization for r in results} == {agency, branch, second_branch}
    assert {r.norm.scope for r in results if r.organization == agency} == {Norm.Scope.AGENCY}
    quarterly = result_for(results, Kind.CENTRAL_GROUP_STUDY, Norm.Period.QUARTER)
    yearly = result_for(results, Kind.CENTRAL_GROUP_STUDY, Norm.Period.YEAR)
    assert gap_periods(quarterly) == [3]
    assert (yearly.periods[0].actual, yearly.periods[0].status) == (9, GAP)
    assert gap_periods(result_for(results, Kind.BRANCH_ASSEMBLY, "quarter", org=branch)) == []
    assert gap_periods(result_for(results, Kind.BRANCH_ASSEMBLY, "quarter", org=second_branch)) == [3]

    gaps = norm_gaps(organization=agency, year=YEAR, through=YEAR_END)
    assert messages(gaps, Kind.CENTRAL_GROUP_STUDY) == [
        "第三季度未召开中心组集体学习研讨",
        "全年中心组集体学习研讨9次，少于12次",
    ]
    assembly_gaps = [g for g in gaps if g.norm.kind == Kind.BRANCH_ASSEMBLY]
    assert [g.full_message for g in assembly_gaps] == ["第二党支部：第三季度未召开支部党员大会"]


def test_periods_after_the_check_date_are_not_yet_due(branch, held):
    held(branch, Kind.BRANCH_COMMITTEE, 1, 2, 3, 4, 5, 6, 9)
    results = norm_results(organization=branch, year=YEAR, through=datetime.date(2022, 8, 15))
    committee = result_for(results, Kind.BRANCH_COMMITTEE, Norm.Period.MONTH)
    statuses = {p.period: p.status for p in committee.periods}
    assert statuses[7] == GAP
    # August is under way, September already met early, the rest still ahead.
    assert statuses[8] == NOT_DUE
    assert statuses[9] == MET
    assert [statuses[m] for m in (10, 11, 12)] == [NOT_DUE] * 3
    lecture_year = result_for(results, Kind.PARTY_LECTURE, "year", secretary_only=True)
    assert lecture_year.periods[0].status == NOT_DUE
    gaps = norm_gaps(organization=branch, year=YEAR, through=datetime.date(2022, 8, 15))
    assert messages(gaps, Kind.BRANCH_COMMITTEE) == ["7月未召开支部委员会会议"]


def test_only_approved_records_that_are_not_deleted_count(branch, held):
    for status in (Activity.Status.DRAFT, Activity.Status.SUBMITTED, Activity.Status.RETURNED):
        held(branch, Kind.BRANCH_ASSEMBLY, 1, status=status)
    held(branch, Kind.BRANCH_ASSEMBLY, 4, deleted_at=timezone.now())
    held(branch, Kind.BRANCH_ASSEMBLY, 7)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assembly = result_for(results, Kind.BRANCH_ASSEMBLY, "quarter")
    assert [p.actual for p in assembly.periods] == [0, 0, 1, 0]
    assert gap_periods(assembly) == [1, 2, 4]


def test_the_secretary_lecture_rule_counts_only_lectures_the_branch_secretary_gave(
    agency, branch, staff, held
):
    secretary = UserFactory(agency=agency, branch=branch, real_name="书记甲")
    RoleAssignmentFactory(user=secretary, organization=branch, role=Role.SECRETARY)
    held(branch, Kind.PARTY_LECTURE, 2, 5, 8, 11, speaker=staff)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assert gap_periods(result_for(results, Kind.PARTY_LECTURE, "quarter")) == []
    assert gap_periods(result_for(results, Kind.PARTY_LECTURE, "year", secretary_only=True)) == [1]
    gaps = norm_gaps(organization=branch, year=YEAR, through=YEAR_END)
    assert messages(gaps, Kind.PARTY_LECTURE) == ["全年支部书记未讲授党课"]

    held(branch, Kind.PARTY_LECTURE, 6, speaker=secretary)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assert gap_periods(result_for(results, Kind.PARTY_LECTURE, "year", secretary_only=True)) == []


def test_branch_meetings_recorded_on_a_single_branch_agency_count_for_its_branch(agency, branch, held):
    held(agency, Kind.BRANCH_ASSEMBLY, 2, 5, 8, 11)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assert gap_periods(result_for(results, Kind.BRANCH_ASSEMBLY, "quarter")) == []


def test_another_agencys_records_do_not_count(branch, other_branch, held):
    held(other_branch, Kind.BRANCH_ASSEMBLY, 2, 5, 8, 11)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assert gap_periods(result_for(results, Kind.BRANCH_ASSEMBLY, "quarter")) == [1, 2, 3, 4]


def test_an_inactive_rule_is_not_checked(branch):
    Norm.objects.filter(kind=Kind.THEME_PARTY_DAY).update(is_active=False)
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assert Kind.THEME_PARTY_DAY not in {r.norm.kind for r in results}


@pytest.mark.parametrize("activities_per_month", [1, 6])
def test_the_check_takes_the_same_queries_however_many_records(
    agency, branch, activities_per_month, django_assert_num_queries, held
):
    for kind in (Kind.BRANCH_COMMITTEE, Kind.CENTRAL_GROUP_STUDY, Kind.PARTY_LECTURE):
        for _ in range(activities_per_month):
            held(agency if kind == Kind.CENTRAL_GROUP_STUDY else branch, kind, *range(1, 13))
    agency = Organization.objects.get(pk=agency.pk)
    # The active norms, the agency's branches, one read of the monthly counts by organization, kind
    # and month (with the lectures the secretary-speaker rule names grouped alongside).
    with django_assert_num_queries(3):
        results = norm_results(organization=agency, year=YEAR, through=YEAR_END)
    assert result_for(results, Kind.BRANCH_COMMITTEE, "month").periods[0].actual == activities_per_month


@pytest.mark.parametrize("activities_per_month", [1, 4])
def test_the_norms_page_shows_the_grid_and_the_gaps_in_words(
    client_for, secretary, agency, branch, held, activities_per_month, django_assert_num_queries
):
    for _ in range(activities_per_month):
        held(branch, Kind.BRANCH_COMMITTEE, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    client = client_for(secretary)
    client.get(reverse("records:norms"), {"year": YEAR})
    # session, user, roles, the user's agency, the latest year with records, the norms, the branches,
    # the aggregate, the organizations to choose from, the user's agency for the navigation.
    with django_assert_num_queries(10):
        response = client.get(reverse("records:norms"), {"year": YEAR})
    html = response.content.decode()
    assert 'id="norms-grid"' in html
    assert "3月未召开支部委员会会议" in html


def _raw_monthly(org_ids, kinds, *, secretary_of=None):
    """Approved records per month as the records themselves say (no summary row)."""
    rows = Activity.objects.filter(
        organization_id__in=org_ids,
        kind__in=kinds,
        status=Activity.Status.APPROVED,
        deleted_at__isnull=True,
        date__year=YEAR,
    )
    if secretary_of is not None:
        rows = rows.filter(speaker__roles__role=Role.SECRETARY, speaker__roles__organization__in=secretary_of)
    monthly = [0] * 13
    for date in rows.values_list("date", flat=True):
        monthly[date.month] += 1
    return monthly


def test_the_results_follow_the_records_through_the_services(agency, branch, staff, secretary):
    """Records approved, moved, returned and deleted through the services, with no rebuild: each
    period's count is what the records say at every step."""

    def record(kind, month, **fields):
        activity = services.activity_create(
            by=staff, organization=branch, kind=kind, date=datetime.date(YEAR, month, 3), title="会", **fields
        )
        services.activity_submit(activity=activity, by=staff)
        return activity

    def check():
        results = norm_results(organization=agency, year=YEAR, through=YEAR_END)
        committee = result_for(results, Kind.BRANCH_COMMITTEE, "month")
        monthly = _raw_monthly([branch.pk, agency.pk], [Kind.BRANCH_COMMITTEE])
        assert [p.actual for p in committee.periods] == monthly[1:]
        lectures = result_for(results, Kind.PARTY_LECTURE, "year", secretary_only=True)
        by_secretary = _raw_monthly([branch.pk], [Kind.PARTY_LECTURE], secretary_of=[branch, agency])
        assert lectures.periods[0].actual == sum(by_secretary)
        return committee

    meetings = [record(Kind.BRANCH_COMMITTEE, month) for month in (1, 2, 3)]
    lecture = record(Kind.PARTY_LECTURE, 5, speaker=secretary)
    for activity in [*meetings[:2], lecture]:
        services.activity_approve(activity=activity, by=secretary)
    services.activity_return(activity=meetings[2], by=secretary, comment="补纪要")
    assert [p.actual for p in check().periods[:3]] == [1, 1, 0]
    services.activity_update(activity=meetings[0], by=secretary, date=datetime.date(YEAR, 2, 20))
    assert [p.actual for p in check().periods[:3]] == [0, 2, 0]
    services.activity_delete(activity=meetings[1], by=secretary)
    assert [p.actual for p in check().periods[:3]] == [0, 1, 0]


def test_a_lecture_counts_for_the_secretary_rule_as_the_roles_are_now(agency, branch, staff, held):
    """No counter is kept for "given by the secretary": a role handed over changes the result at once."""
    speaker = UserFactory(agency=agency, branch=branch, real_name="讲课人")
    held(branch, Kind.PARTY_LECTURE, 3, speaker=speaker)

    def by_secretary():
        results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
        return result_for(results, Kind.PARTY_LECTURE, "year", secretary_only=True).periods[0].actual

    assert by_secretary() == 0
    role = RoleAssignmentFactory(user=speaker, organization=branch, role=Role.SECRETARY)
    assert by_secretary() == 1
    role.delete()
    assert by_secretary() == 0


def test_the_tally_counts_what_the_results_show(agency, branch, other_branch, held):
    held(branch, Kind.BRANCH_COMMITTEE, 1, 2, 5)
    held(agency, Kind.CENTRAL_GROUP_STUDY, 1, 4)
    held(other_branch, Kind.THEME_PARTY_DAY, 3)
    committee = agency.parent
    through = datetime.date(YEAR, 6, 30)
    expected = [
        (
            result.organization,
            sum(p.status == MET for p in result.periods),
            sum(p.status != NOT_DUE for p in result.periods),
        )
        for result in norm_results(organization=committee, year=YEAR, through=through)
    ]
    assert norm_tally(organization=committee, year=YEAR, through=through) == expected
    assert any(met for _org, met, _due in expected) and any(due > met for _org, met, due in expected)


def test_a_period_label_is_the_short_name_of_its_period(branch):
    results = norm_results(organization=branch, year=YEAR, through=YEAR_END)
    assert result_for(results, Kind.BRANCH_COMMITTEE, "month").periods[2].label == "3月"
    assert result_for(results, Kind.BRANCH_ASSEMBLY, "quarter").periods[0].label == "一季度"
