"""What is due in the current period, on a frozen clock: each colour and the period boundaries."""

import datetime

import pytest
from django.utils import translation

from activities.models import Kind, Norm
from activities.selectors.norms import AMBER, GREEN, RED, norm_results, norms_due, norms_due_colours
from tests.factories import ActivityFactory, UserFactory


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def rules(db):
    """Only the three rules these tests reason about: monthly, quarterly and yearly, for branches."""
    Norm.objects.update(is_active=False)
    make = Norm.objects.create
    return {
        "month": make(kind=Kind.BRANCH_COMMITTEE, scope="branch", period="month", minimum=1, source="t"),
        "quarter": make(kind=Kind.BRANCH_ASSEMBLY, scope="branch", period="quarter", minimum=1, source="t"),
        "year": make(kind=Kind.PARTY_LECTURE, scope="branch", period="year", minimum=2, source="t"),
    }


@pytest.fixture
def held(db):
    recorder = UserFactory(username="due_recorder", real_name="记录人")

    def record(org, kind, date):
        ActivityFactory(organization=org, kind=kind, date=date, recorded_by=recorder)

    return record


def due_on(branch, date, **kwargs):
    return {
        (d.norm.period, d.year, d.period.period): d
        for d in norms_due(organization=branch, today=date, **kwargs)
    }


def test_a_month_not_met_is_green_then_amber_in_its_last_seven_days_then_red(branch, rules):
    d = datetime.date
    assert due_on(branch, d(2026, 3, 24))[("month", 2026, 3)].colour == GREEN
    assert due_on(branch, d(2026, 3, 24))[("month", 2026, 3)].days_left == 8
    assert due_on(branch, d(2026, 3, 25))[("month", 2026, 3)].colour == AMBER
    last_day = due_on(branch, d(2026, 3, 31))[("month", 2026, 3)]
    assert (last_day.colour, last_day.days_left) == (AMBER, 1)
    after = due_on(branch, d(2026, 4, 1))
    assert after[("month", 2026, 3)].colour == RED
    assert after[("month", 2026, 4)].colour == GREEN
    # Red for seven days after the end, then left to the norms page's list of gaps.
    assert ("month", 2026, 3) in due_on(branch, d(2026, 4, 7))
    assert ("month", 2026, 3) not in due_on(branch, d(2026, 4, 8))


def test_a_period_met_is_not_due_and_later_periods_are_not_listed(branch, rules, held):
    held(branch, Kind.BRANCH_COMMITTEE, datetime.date(2026, 3, 2))
    due = due_on(branch, datetime.date(2026, 3, 28))
    assert ("month", 2026, 3) not in due
    assert ("month", 2026, 4) not in due and ("quarter", 2026, 2) not in due
    assert due[("quarter", 2026, 1)].colour == AMBER
    # A meeting of February does not count for March.
    held(branch, Kind.BRANCH_ASSEMBLY, datetime.date(2026, 2, 27))
    assert ("quarter", 2026, 1) not in due_on(branch, datetime.date(2026, 3, 28))


def test_the_quarter_end_turns_amber_then_red(branch, rules):
    assert due_on(branch, datetime.date(2026, 6, 23))[("quarter", 2026, 2)].colour == GREEN
    assert due_on(branch, datetime.date(2026, 6, 24))[("quarter", 2026, 2)].colour == AMBER
    assert due_on(branch, datetime.date(2026, 6, 30))[("quarter", 2026, 2)].days_left == 1
    july = due_on(branch, datetime.date(2026, 7, 1))
    assert july[("quarter", 2026, 2)].colour == RED
    assert july[("quarter", 2026, 3)].colour == GREEN and july[("quarter", 2026, 3)].days_left == 92


def test_the_year_end_is_checked_on_new_years_day_from_the_previous_years_records(branch, rules, held):
    held(branch, Kind.PARTY_LECTURE, datetime.date(2026, 5, 4))  # one lecture of the two required
    new_year_eve = due_on(branch, datetime.date(2026, 12, 31))
    assert new_year_eve[("year", 2026, 1)].colour == AMBER
    assert new_year_eve[("year", 2026, 1)].period.actual == 1
    new_year = due_on(branch, datetime.date(2027, 1, 1))
    assert {key: d.colour for key, d in new_year.items() if key[1] == 2026} == {
        ("month", 2026, 12): RED,
        ("quarter", 2026, 4): RED,
        ("year", 2026, 1): RED,
    }
    assert new_year[("year", 2027, 1)].colour == GREEN
    assert new_year[("year", 2027, 1)].days_left == 365
    assert "2026" in new_year[("year", 2026, 1)].message
    # After the red days, only the new year's periods.
    assert {key[1] for key in due_on(branch, datetime.date(2027, 1, 8))} == {2027}


def test_february_of_a_leap_year_ends_on_the_29th(branch, rules):
    assert due_on(branch, datetime.date(2028, 2, 22))[("month", 2028, 2)].colour == GREEN
    assert due_on(branch, datetime.date(2028, 2, 23))[("month", 2028, 2)].colour == AMBER
    leap_day = due_on(branch, datetime.date(2028, 2, 29))[("month", 2028, 2)]
    assert (leap_day.colour, leap_day.days_left, leap_day.end) == (AMBER, 1, datetime.date(2028, 2, 29))
    assert due_on(branch, datetime.date(2028, 3, 1))[("month", 2028, 2)].colour == RED
    assert due_on(branch, datetime.date(2028, 1, 1))[("year", 2028, 1)].days_left == 366


def test_the_warning_days_are_a_setting(branch, rules, settings):
    settings.NORM_WARNING_DAYS = 3
    assert due_on(branch, datetime.date(2026, 3, 28))[("month", 2026, 3)].colour == GREEN
    assert due_on(branch, datetime.date(2026, 3, 29))[("month", 2026, 3)].colour == AMBER
    assert ("month", 2026, 3) not in due_on(branch, datetime.date(2026, 4, 4))


def test_the_red_periods_are_the_norms_pages_gaps(branch, rules, held):
    held(branch, Kind.BRANCH_COMMITTEE, datetime.date(2026, 2, 10))
    held(branch, Kind.BRANCH_ASSEMBLY, datetime.date(2026, 1, 10))
    today = datetime.date(2026, 4, 2)
    red = {
        (d.norm.pk, d.period.period) for d in norms_due(organization=branch, today=today) if d.colour == RED
    }
    results = norm_results(organization=branch, year=2026, through=today)
    gaps_ended_lately = {
        (r.norm.pk, p.period) for r in results for p in r.gaps if (r.norm.period, p.period) in {("month", 3)}
    }
    assert red == gaps_ended_lately == {(rules["month"].pk, 3)}


def test_each_due_rule_says_what_is_missing_and_how_long_is_left(branch, rules):
    due = due_on(branch, datetime.date(2026, 3, 25))
    assert due[("month", 2026, 3)].message == "支部委员会会议（2026年3月）：已开展0次，应开展1次，还剩7天"
    missed = due_on(branch, datetime.date(2026, 4, 1))[("month", 2026, 3)]
    assert missed.message == "2026年：3月未召开支部委员会会议"


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 1, 3),
        datetime.date(2026, 3, 26),
        datetime.date(2026, 4, 2),
        datetime.date(2026, 12, 30),
    ],
)
def test_the_overviews_colours_are_those_of_the_rules_due(agency, branch, rules, held, today):
    """The committee's overview counts amber and red with `norms_due_colours`, without a DueNorm per
    period: the same periods, the same colours, on the new year's days too."""
    held(branch, Kind.BRANCH_COMMITTEE, datetime.date(2026, 1, 10))
    held(branch, Kind.BRANCH_ASSEMBLY, datetime.date(2025, 11, 10))
    due = sorted((d.organization.pk, d.colour) for d in norms_due(organization=agency.parent, today=today))
    colours = sorted((org.pk, colour) for org, colour in norms_due_colours([agency.parent], today=today))
    assert colours == due
    assert {AMBER, RED} & {colour for _pk, colour in colours}
