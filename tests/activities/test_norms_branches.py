"""Norms for an agency of several branches: what each branch held counts for it, an agency-level activity
counts for the branches whose members attended, rules apply only where they can, and the gaps are
summed up per branch and kind."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from activities.models import Activity, Attendance, Kind, Norm
from activities.selectors.norms import GAP, gap_summaries, gaps_of, norm_results
from activities.services import activity as services
from activities.stats import stats_add, stats_rebuild, stats_verify
from studyportal.accounts.models import Organization, Role
from tests.factories import ActivityFactory, OrganizationFactory, RoleAssignmentFactory, UserFactory

YEAR = 2022
YEAR_END = datetime.date(2022, 12, 31)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def two_branches(agency):
    first = OrganizationFactory(
        code="b1", name="机关第一党支部", kind=Organization.Kind.BRANCH, parent=agency
    )
    second = OrganizationFactory(
        code="b2", name="机关第二党支部", kind=Organization.Kind.BRANCH, parent=agency
    )
    return first, second


@pytest.fixture
def members(agency, two_branches):
    first, second = two_branches
    return {
        "甲": UserFactory(agency=agency, branch=first, real_name="甲"),
        "乙": UserFactory(agency=agency, branch=second, real_name="乙"),
    }


@pytest.fixture
def held(db):
    recorder = UserFactory(username="nb_recorder", real_name="记录人")

    def record(org, kind, *months, present=(), **fields):
        for month in months:
            activity = ActivityFactory(
                organization=org,
                kind=kind,
                date=datetime.date(YEAR, month, 10),
                recorded_by=recorder,
                stats=False,  # the attendance below is counted with the record, at once
                **fields,
            )
            for person in present:
                Attendance.objects.create(activity=activity, person=person)
            stats_add(activity.pk)

    return record


def results_of(agency):
    return norm_results(organization=agency, year=YEAR, through=YEAR_END)


def result_for(results, kind, org, *, secretary_only=False, period=None):
    (result,) = [
        r
        for r in results
        if r.norm.kind == kind
        and r.organization == org
        and r.norm.only_secretary_speaker == secretary_only
        and (period is None or r.norm.period == period)
    ]
    return result


def gaps(result):
    return [p.period for p in result.periods if p.status == GAP]


def test_each_branchs_meetings_count_for_that_branch_only(agency, two_branches, held):
    first, second = two_branches
    held(first, Kind.BRANCH_COMMITTEE, *range(1, 13))
    held(second, Kind.BRANCH_COMMITTEE, 1, 2, 4, 5, 6, 7, 8, 10, 11, 12)
    results = results_of(agency)
    assert gaps(result_for(results, Kind.BRANCH_COMMITTEE, first)) == []
    assert gaps(result_for(results, Kind.BRANCH_COMMITTEE, second)) == [3, 9]
    sentences = [
        g.message for g in gap_summaries(results, agency=agency) if g.norm.kind == Kind.BRANCH_COMMITTEE
    ]
    assert sentences == ["机关第二党支部3月、9月未召开支部委员会会议"]


def test_an_agency_activity_counts_for_the_branches_whose_members_attended(
    agency, two_branches, members, held
):
    first, second = two_branches
    held(agency, Kind.THEME_PARTY_DAY, *range(1, 13), present=[members["甲"]])
    results = results_of(agency)
    assert gaps(result_for(results, Kind.THEME_PARTY_DAY, first)) == []
    assert gaps(result_for(results, Kind.THEME_PARTY_DAY, second)) == list(range(1, 13))


def test_an_agency_activity_attended_by_both_counts_once_for_each(agency, two_branches, members, held):
    first, second = two_branches
    held(agency, Kind.BRANCH_ASSEMBLY, 3, 6, 9, 12, present=[members["甲"], members["乙"]])
    held(first, Kind.BRANCH_ASSEMBLY, 3)
    results = results_of(agency)
    assert [p.actual for p in result_for(results, Kind.BRANCH_ASSEMBLY, first).periods] == [2, 1, 1, 1]
    assert [p.actual for p in result_for(results, Kind.BRANCH_ASSEMBLY, second).periods] == [1, 1, 1, 1]


def test_someone_on_leave_does_not_make_the_activity_their_branchs(agency, two_branches, members, held):
    first, second = two_branches
    held(agency, Kind.THEME_PARTY_DAY, 5, present=[members["甲"]])
    Attendance.objects.create(
        activity=Activity.objects.get(), person=members["乙"], status=Attendance.Status.LEAVE
    )
    stats_rebuild(organization=agency, year=YEAR)
    results = results_of(agency)
    assert result_for(results, Kind.THEME_PARTY_DAY, first).periods[4].actual == 1
    assert result_for(results, Kind.THEME_PARTY_DAY, second).periods[4].actual == 0


def test_joined_counts_follow_approval_through_the_services_and_agree_with_a_rebuild(
    agency, two_branches, members, secretary
):
    first, _second = two_branches
    activity = services.activity_create(
        by=secretary,
        organization=agency,
        kind=Kind.THEME_PARTY_DAY,
        date=datetime.date(YEAR, 4, 1),
        title="联合主题党日",
        attendance={members["甲"]: Attendance.Status.PRESENT, members["乙"]: Attendance.Status.ABSENT},
    )
    services.activity_submit(activity=activity, by=secretary)
    services.activity_approve(activity=activity, by=secretary)
    assert stats_verify(organization=agency, year=YEAR) == []
    results = results_of(agency)
    assert result_for(results, Kind.THEME_PARTY_DAY, first).periods[3].actual == 1
    # The agency's own figures count it once, not once more for the branch that joined.
    assert result_for(results, Kind.THEME_PARTY_DAY, two_branches[1]).periods[3].actual == 0
    services.activity_delete(activity=activity, by=secretary)
    assert stats_verify(organization=agency, year=YEAR) == []
    assert result_for(results_of(agency), Kind.THEME_PARTY_DAY, first).periods[3].actual == 0


def test_party_group_meetings_are_required_only_where_there_are_party_groups(agency, two_branches, members):
    first, second = two_branches
    members["甲"].party_group = "第一党小组"
    members["甲"].save()
    results = results_of(agency)
    assert result_for(results, Kind.PARTY_GROUP_MEETING, first)
    assert not [r for r in results if r.norm.kind == Kind.PARTY_GROUP_MEETING and r.organization == second]


def test_a_branch_without_a_secretary_is_told_once_instead_of_its_lecture_gap(agency, two_branches, held):
    first, second = two_branches
    RoleAssignmentFactory(
        user=UserFactory(agency=agency, branch=first), organization=first, role=Role.SECRETARY
    )
    results = results_of(agency)
    assert gaps(result_for(results, Kind.PARTY_LECTURE, first, secretary_only=True)) == [1]
    unknown = result_for(results, Kind.PARTY_LECTURE, second, secretary_only=True)
    assert unknown.secretary_unknown and gaps(unknown) == []
    messages = [
        g.message for g in gaps_of(results) if g.organization == second and g.norm.only_secretary_speaker
    ]
    assert messages == [
        "机关第二党支部的党支部书记尚未明确，无法核对“支部书记讲党课”落实情况：请为支部书记分配“书记”角色。"
    ]


def test_an_agency_lecture_by_a_branch_secretary_counts_for_that_branch(agency, two_branches, held):
    first, _second = two_branches
    chief = UserFactory(agency=agency, branch=first, real_name="书记甲")
    RoleAssignmentFactory(user=chief, organization=first, role=Role.SECRETARY)
    held(agency, Kind.PARTY_LECTURE, 6, speaker=chief)
    result = result_for(results_of(agency), Kind.PARTY_LECTURE, first, secretary_only=True)
    assert (result.periods[0].actual, gaps(result)) == (1, [])


def test_a_sentence_names_at_most_three_periods(agency, two_branches, held):
    first, second = two_branches
    held(first, Kind.BRANCH_COMMITTEE, *range(1, 13))
    held(second, Kind.BRANCH_COMMITTEE, 10, 11, 12)
    summaries = [
        g for g in gap_summaries(results_of(agency), agency=agency) if g.norm.kind == Kind.BRANCH_COMMITTEE
    ]
    assert [g.message for g in summaries] == ["机关第二党支部1月、2月、3月等9个月未召开支部委员会会议"]
    assert [p.period for p in summaries[0].periods] == list(range(1, 10))  # what the sentence counts


def test_the_agencys_own_rules_are_written_without_its_name(agency, two_branches, held):
    held(agency, Kind.CENTRAL_GROUP_STUDY, 1, 2, 3, 4, 5, 6, 10, 11, 12)
    summaries = [
        g.message for g in gap_summaries(results_of(agency), agency=agency) if g.organization == agency
    ]
    assert summaries == ["第三季度未召开中心组集体学习研讨", "全年中心组集体学习研讨少于12次"]


def test_the_norms_page_states_the_attribution_rule(client_for, secretary, agency):
    html = client_for(secretary).get(reverse("records:norms"), {"year": YEAR}).content.decode()
    assert "党员参加" in html and "党小组" in html


def test_the_rules_are_the_defaults(db):
    assert Norm.objects.filter(kind=Kind.PARTY_GROUP_MEETING, is_active=True).exists()


def test_the_agencys_secretary_is_not_the_secretary_of_each_of_several_branches(agency, two_branches):
    first, _second = two_branches
    RoleAssignmentFactory(user=UserFactory(agency=agency), organization=agency, role=Role.SECRETARY)
    result = result_for(results_of(agency), Kind.PARTY_LECTURE, first, secretary_only=True)
    assert result.secretary_unknown
