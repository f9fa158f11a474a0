"""The load test's users: spread over agencies, each with that agency's own accounts, signed in before
the run by a session the portal accepts."""

import pytest
from django.conf import settings

from bench.load import agency_accounts, signed_in
from studyportal.accounts.models import Organization, Role
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def bench_agencies(committee):
    """Four bench agencies, each with a secretary and a recorder, and one agency that is not bench data."""
    agencies = []
    for number in range(1, 5):
        agency = OrganizationFactory(
            code=f"bench-a{number:03d}",
            name=f"基准局{number}",
            kind=Organization.Kind.AGENCY,
            parent=committee,
        )
        UserFactory(agency=agency, role=Role.SECRETARY, username=f"bench_a{number:03d}_sec")
        UserFactory(agency=agency, role=Role.RECORDER, username=f"bench_a{number:03d}_rec")
        agencies.append(agency)
    foreign = OrganizationFactory(code="other", kind=Organization.Kind.AGENCY, parent=committee)
    UserFactory(agency=foreign, role=Role.SECRETARY, username="not_bench")
    UserFactory(agency=foreign, role=Role.RECORDER, username="not_bench_rec")
    return agencies


def test_the_users_are_spread_over_bench_agencies_each_with_its_own_secretary_and_recorder(bench_agencies):
    pairs = agency_accounts(2)
    assert pairs == [["bench_a001_sec", "bench_a001_rec"], ["bench_a003_sec", "bench_a003_rec"]]
    assert agency_accounts(10) == [[f"bench_a{n:03d}_sec", f"bench_a{n:03d}_rec"] for n in range(1, 5)]


def test_a_prepared_session_is_signed_in_as_its_account(bench_agencies, client):
    sessions = signed_in(["bench_a002_sec", "bench_a002_rec"])
    assert set(sessions) == {"bench_a002_sec", "bench_a002_rec"}
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions["bench_a002_rec"]
    response = client.get("/activities/")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == "bench_a002_rec"
    assert "基准局2" in response.content.decode()
