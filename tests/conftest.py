"""The usual cast: a committee with two agencies, each with a branch, and a person in each role."""

import json

import pytest

from studyportal.accounts.models import Organization, Role

from .factories import OrganizationFactory, RoleAssignmentFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Every factory user hashes a password; the production hasher makes that the slowest part of a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    # Uploaded attachments land in the test's own folder, never in the checkout's media/; so do the
    # audit checkpoints, beside it as in production.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"


@pytest.fixture
def committee(db):
    return OrganizationFactory(code="committee", name="测试机关工委", kind=Organization.Kind.COMMITTEE)


@pytest.fixture
def agency(committee):
    return OrganizationFactory(code="agency", name="测试局", kind=Organization.Kind.AGENCY, parent=committee)


@pytest.fixture
def branch(agency):
    return OrganizationFactory(
        code="branch", name="测试局机关党支部", kind=Organization.Kind.BRANCH, parent=agency
    )


@pytest.fixture
def other_agency(committee):
    return OrganizationFactory(code="other", name="另一局", kind=Organization.Kind.AGENCY, parent=committee)


@pytest.fixture
def other_branch(other_agency):
    return OrganizationFactory(
        code="other-branch", name="另一局党支部", kind=Organization.Kind.BRANCH, parent=other_agency
    )


def _person(agency, branch, role, **kwargs):
    return UserFactory(agency=agency, branch=branch, role=role, **kwargs)


@pytest.fixture
def staff(agency, branch):
    return _person(agency, branch, Role.STAFF, username="t_staff", real_name="张三")


@pytest.fixture
def recorder(agency, branch):
    return _person(agency, branch, Role.RECORDER, username="t_recorder", real_name="李四")


@pytest.fixture
def secretary(agency, branch):
    return _person(agency, branch, Role.SECRETARY, username="t_secretary", real_name="王五")


@pytest.fixture
def leader(agency, branch):
    return _person(agency, branch, Role.STAFF, username="t_leader", real_name="赵局长", is_leader=True)


@pytest.fixture
def admin_user(agency, branch):
    return _person(agency, branch, Role.ADMIN, username="t_admin", real_name="钱管理")


@pytest.fixture
def committee_admin(committee):
    user = UserFactory(agency=committee, username="t_committee", real_name="孙工委")
    RoleAssignmentFactory(user=user, organization=committee, role=Role.ADMIN)
    return user


@pytest.fixture
def outsider(other_agency, other_branch):
    """A secretary of another agency: sees nothing of ours."""
    return _person(other_agency, other_branch, Role.SECRETARY, username="t_outsider", real_name="外单位书记")


@pytest.fixture
def client_for(client):
    """`client_for(user)` returns the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def today_is(monkeypatch):
    """`today_is(date)` freezes the portal's today (timezone.localdate without an argument)."""
    from django.utils import timezone

    real = timezone.localdate

    def freeze(date):
        def localdate(value=None, timezone=None):
            return date if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        return date

    return freeze


def pytest_terminal_summary(terminalreporter):
    """The rules axe could not decide, recorded by e2e/test_accessibility.py: a person checks them.

    Here, not in e2e/conftest.py: under pytest-xdist the controlling process, which writes the
    summary, loads only this conftest."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for key, value in getattr(report, "user_properties", []):
            if key != "axe_incomplete":
                continue
            data = json.loads(value)
            terminalreporter.section(f"axe: needs review ({data['language']}, {data['pages']} page checks)")
            for rule, names in data["review"].items():
                terminalreporter.write_line(f"{rule}: {len(names)} pages: {', '.join(names)}")
