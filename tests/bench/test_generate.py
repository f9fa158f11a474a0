"""The bench county generator at a tiny scale (PostgreSQL only: it loads with COPY)."""

import hashlib
import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from activities.models import Activity, ActivityMonthStat, Attendance, Kind, PersonYearStat, StudyPoints
from activities.stats import stats_verify
from bench.generate import BENCH_PASSWORD, bench_database_url, generate
from studyportal.accounts.models import Organization, User

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="bench.generate loads with PostgreSQL COPY",
)
# transactional_db throughout: the generator commits and then VACUUMs, which cannot run inside a
# test's transaction.


def county(seed=7, **kwargs):
    return generate(scale=0.02, seed=seed, years=(2024,), log=lambda *_args: None, **kwargs)


def fingerprint() -> str:
    rows = Activity.objects.order_by("id").values_list(
        "id", "organization_id", "kind", "date", "title", "status"
    )
    attendance = Attendance.objects.order_by("id").values_list("activity_id", "person_id", "status")
    return hashlib.sha256(repr((list(rows), list(attendance))).encode()).hexdigest()


@postgresql_only
def test_a_tiny_county_is_realistic_consistent_and_ready_to_log_in(transactional_db):
    county()
    assert Organization.objects.filter(kind="committee").count() == 1
    agencies = Organization.objects.filter(kind="agency")
    assert agencies.count() == 2
    for agency in agencies:
        assert 1 <= agency.children.count() <= 3
    assert User.objects.count() == 101  # 100 people and the committee's admin
    year = Activity.objects.filter(date__year=2024)
    assert 1_100 <= year.count() <= 1_300
    assert set(year.values_list("kind", flat=True)) == set(Kind.values)
    by_kind = {kind: year.filter(kind=kind).count() for kind in Kind.values}
    assert max(by_kind, key=by_kind.get) == Kind.WEEKLY_STUDY
    assert year.filter(status=Activity.Status.APPROVED).count() > 0.85 * year.count()
    # Attendees come from the branch: a tiny county has big single branches, so more per session
    # than the county's ~17 (bench/results).
    per_activity = Attendance.objects.filter(activity__date__year=2024).count() / year.count()
    assert 5 <= per_activity <= 50
    assert not year.filter(kind=Kind.PARTY_LECTURE, speaker__isnull=True, speaker_name="").exists()
    assert not year.filter(kind=Kind.FIELD_VISIT, location="").exists()

    assert stats_verify() == []
    # The sequences were moved past the copied ids.
    committee = Organization.objects.get(kind="committee")
    highest = Organization.objects.order_by("-pk").values_list("pk", flat=True).first()
    new = Organization.objects.create(code="new", name="新机构", kind="agency", parent=committee)
    assert new.pk > highest

    for username in ("bench_admin", "bench_secretary", "bench_recorder", "bench_staff"):
        assert authenticate(username=username, password=BENCH_PASSWORD) is not None, username
    assert authenticate(username="bench_a002_010", password=BENCH_PASSWORD) is None


@postgresql_only
def test_the_same_seed_gives_the_same_county(transactional_db):
    county(seed=7)
    first = fingerprint()
    county(seed=7)
    assert fingerprint() == first
    county(seed=8)
    assert fingerprint() != first


@postgresql_only
def test_a_database_with_other_data_is_refused_unless_forced(transactional_db):
    Organization.objects.create(code="gongxinju", name="县工业和信息化局", kind="agency")
    with pytest.raises(SystemExit, match="not bench data"):
        county()
    assert not Activity.objects.exists()
    county(force=True)
    assert Organization.objects.filter(code="gongxinju").exists()
    assert Activity.objects.filter(organization__code__startswith="bench-").exists()


@postgresql_only
def test_the_generator_counts_what_it_writes_and_its_summary_rows_agree(transactional_db):
    # Scale 0.002 of a county: its floor of 2 agencies, about 20 people, 120 activities a year.
    counts = generate(scale=0.002, seed=3, years=(2024, 2025), log=lambda *_args: None)
    assert Organization.objects.filter(kind="agency").count() == 2
    people = User.objects.count() - 1  # the committee's admin is not one of them
    assert 20 <= people <= 25  # agencies have 10 people at least
    for year in (2024, 2025):
        # 120 activities for 20 people: 6 a person, rounded per agency.
        assert abs(Activity.objects.filter(date__year=year).count() - 6 * people) <= 2
    for model in (Organization, User, Activity, Attendance, StudyPoints, ActivityMonthStat, PersonYearStat):
        assert counts[model._meta.db_table] == model.objects.count(), model
    assert StudyPoints.objects.count() == 2 * 12 * people
    assert Attendance.objects.filter(activity__date__year=2025).count() > 5 * 120
    call_command("stats_rebuild", verify=True, stdout=io.StringIO())  # raises on any difference


def test_each_scale_has_a_database_of_its_own():
    assert bench_database_url(1.0).endswith("/studyportal_bench")
    assert bench_database_url(10).endswith("/studyportal_bench_s10")
    assert bench_database_url(0.1).endswith("/studyportal_bench_s0_1")
