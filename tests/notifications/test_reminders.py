"""send_reminders, the inbox and the bell, e-mail on and off, on a frozen clock."""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from activities.models import Kind, Norm, RectificationItem
from studyportal.accounts.models import Organization, Role
from studyportal.notifications import services
from studyportal.notifications.models import Notification, NotificationPreference
from studyportal.notifications.services import reminders_send
from tests.factories import (
    ActivityFactory,
    OrganizationFactory,
    RectificationItemFactory,
    RoleAssignmentFactory,
    UserFactory,
)

MARCH_25 = datetime.date(2026, 3, 25)  # the last 7 days of March and of the first quarter


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def monthly_rule(db):
    Norm.objects.update(is_active=False)
    return Norm.objects.create(
        kind=Kind.BRANCH_COMMITTEE, scope="branch", period="month", minimum=1, source="t"
    )


def texts(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def test_an_amber_rule_reaches_the_branchs_recorder_and_secretaries_once(
    monthly_rule, secretary, recorder, staff, outsider, branch
):
    secretary.email, recorder.email = "wang@example.gov.cn", ""
    secretary.save()
    recorder.save()
    run = reminders_send(today=MARCH_25)
    expected = "测试局机关党支部：支部委员会会议（2026年3月）：已开展0次，应开展1次，还剩7天"
    assert texts(secretary) == texts(recorder) == [expected]
    assert texts(staff) == []
    # The other agency's branch misses the same rule: its secretary hears of their own only.
    assert texts(outsider) == ["另一局党支部：支部委员会会议（2026年3月）：已开展0次，应开展1次，还剩7天"]
    assert run.created == len(Notification.objects.all())
    notification = Notification.objects.get(recipient=secretary)
    assert notification.level == Notification.Level.WARNING
    assert notification.url == f"{reverse('records:norms')}?org=branch&year=2026"

    # The same reminder is never written twice for one period, however often cron runs.
    again = reminders_send(today=MARCH_25)
    later = reminders_send(today=datetime.date(2026, 3, 28))
    assert again.created == later.created == 0
    assert texts(secretary) == [expected]
    assert len(mail.outbox) == 1  # only the first run's e-mail

    # Missed: a new, red reminder for the same period; April's green rule says nothing.
    reminders_send(today=datetime.date(2026, 4, 1))
    assert texts(secretary) == sorted([expected, "测试局机关党支部：2026年：3月未召开支部委员会会议"])
    assert Notification.objects.filter(recipient=secretary, level=Notification.Level.DANGER).count() == 1


def test_a_rule_met_in_time_sends_nothing(monthly_rule, secretary, branch, staff):
    ActivityFactory(
        organization=branch, kind=Kind.BRANCH_COMMITTEE, date=datetime.date(2026, 3, 5), recorded_by=staff
    )
    reminders_send(today=MARCH_25)
    assert texts(secretary) == []


def test_rectification_near_and_past_its_deadline_reaches_its_owner_and_the_secretary(
    monthly_rule, secretary, staff, recorder, agency, branch
):
    Norm.objects.update(is_active=False)
    near = RectificationItemFactory(
        agency=agency, owner=staff, deadline=MARCH_25 + datetime.timedelta(days=30)
    )
    RectificationItemFactory(agency=agency, owner=staff, deadline=MARCH_25 + datetime.timedelta(days=31))
    RectificationItemFactory(
        agency=agency, owner=staff, deadline=MARCH_25, status=RectificationItem.Status.DONE, problem="已完成"
    )
    reminders_send(today=MARCH_25)
    assert texts(staff) == [f"整改事项“{near.problem}”将于2026-04-24到期"]
    assert texts(secretary) == texts(staff) and texts(recorder) == []
    reminders_send(today=datetime.date(2026, 4, 25))
    assert f"整改事项“{near.problem}”已超过整改时限（2026-04-24）" in texts(staff)
    assert near.is_overdue(datetime.date(2026, 4, 25)) and not near.is_deadline_near(
        datetime.date(2026, 4, 25)
    )


def test_email_goes_to_those_who_keep_it_on_and_have_an_address(monthly_rule, secretary, recorder, branch):
    secretary.email, recorder.email = "wang@example.gov.cn", "li@example.gov.cn"
    secretary.save()
    recorder.save()
    NotificationPreference.objects.create(user=recorder, email=False)
    run = reminders_send(today=MARCH_25)
    assert run.emailed == 1
    assert [message.to for message in mail.outbox] == [["wang@example.gov.cn"]]
    assert "支部委员会会议（2026年3月）" in mail.outbox[0].body
    assert "1条新提醒" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=secretary).emailed_at is not None
    assert Notification.objects.get(recipient=recorder).emailed_at is None
    assert texts(recorder)  # still in the inbox


def test_a_person_turns_email_off_and_on_from_the_inbox(client_for, secretary):
    client = client_for(secretary)
    url = reverse("notifications:email")
    response = client.post(url, {"email": "off"}, follow=True)
    assert "提醒不再发送到您的电子邮箱" in response.content.decode()
    assert NotificationPreference.objects.get(user=secretary).email is False
    client.post(url, {"email": "on"})
    assert NotificationPreference.objects.get(user=secretary).email is True
    response = client.post(url, {"email": "maybe"}, follow=True)
    assert "请选择是否通过电子邮件接收提醒" in response.content.decode()
    assert client.get(url).status_code == 405


def bell_count(client) -> int:
    html = client.get(reverse("notifications:bell")).content.decode()
    match = re.search(r'data-unread="(\d+)"', html)
    return int(match.group(1)) if match else 0


def test_the_bell_counts_the_unread_and_opening_the_inbox_reads_them(
    client_for, monthly_rule, secretary, branch, other_branch
):
    reminders_send(today=MARCH_25)
    client = client_for(secretary)
    assert bell_count(client) == 1
    home = client.get("/").content.decode()
    assert 'id="bell"' in home and reverse("notifications:bell") in home
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert inbox.count("notification-new") == 1 and "支部委员会会议" in inbox
    assert bell_count(client) == 0
    assert "notification-new" not in client.get(reverse("notifications:inbox")).content.decode()


def test_the_notification_pages_need_a_login(client, db):
    for name in ("inbox", "bell"):
        response = client.get(reverse(f"notifications:{name}"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_command_reports_what_it_did_and_refuses_a_bad_date(monthly_rule, secretary, branch, capsys):
    call_command("send_reminders", "--date", "2026-03-25")
    assert "1条新提醒" in capsys.readouterr().out or Notification.objects.count() == 1
    with pytest.raises(CommandError, match="--date 应为日期"):
        call_command("send_reminders", "--date", "2026-02-30")


def _county(committee, n):
    """n agencies, each with two branches, a recorder and secretary each, and two items due."""
    for i in range(n):
        agency = OrganizationFactory(code=f"a{n}-{i}", name=f"局{n}-{i}", kind="agency", parent=committee)
        secretary = UserFactory(agency=agency, username=f"s{n}-{i}", real_name=f"书记{i}", email="s@x.cn")
        RoleAssignmentFactory(user=secretary, organization=agency, role=Role.SECRETARY)
        for j in range(2):
            branch = OrganizationFactory(
                code=f"b{n}-{i}-{j}", name=f"支部{n}-{i}-{j}", kind=Organization.Kind.BRANCH, parent=agency
            )
            recorder = UserFactory(
                agency=agency, branch=branch, username=f"r{n}-{i}-{j}", real_name=f"记{i}{j}", email="r@x.cn"
            )
            RoleAssignmentFactory(user=recorder, organization=branch, role=Role.RECORDER)
            RectificationItemFactory(agency=agency, owner=recorder, deadline=MARCH_25, year=2026)


# The roots (1), the active rules (1), the norms engine per root: agencies, branches, counts (3), the
# recorders' and secretaries' roles (1), the rectification items due (1); the pairs already written
# (1), the insert (1 a batch of INSERT_BATCH), counting the new rows (1); the new rows with their
# recipients for e-mail (1), marking them e-mailed (1); and the savepoint around the writes (2).
REMINDER_QUERIES = 14


@pytest.mark.parametrize("n", [1, 6])
def test_send_reminders_runs_the_same_queries_whatever_the_countys_size(
    committee, monthly_rule, django_assert_num_queries, n
):
    _county(committee, n)
    with django_assert_num_queries(REMINDER_QUERIES):
        run = reminders_send(today=MARCH_25)
    # Each branch's rule to its recorder and the agency's secretary, each item to its owner and secretary.
    assert run.created == n * (2 * 2 + 2 * 2)
    assert run.emailed == n * 3
    # A second run finds them all written: no insert, no count, no e-mail.
    with django_assert_num_queries(REMINDER_QUERIES - 4):
        again = reminders_send(today=MARCH_25)
    assert again.created == again.emailed == 0


def test_a_run_writes_only_the_reminders_not_yet_written_in_batches(
    committee, monthly_rule, monkeypatch, django_assert_num_queries
):
    _county(committee, 2)
    reminders_send(today=MARCH_25)
    everything = set(Notification.objects.values_list("recipient_id", "key", "text", "url", "level"))
    assert len(everything) == 2 * 8
    # Some of them lost (a person's inbox cleared by hand, say): the next run writes just those.
    lost = Notification.objects.order_by("id")[:5]
    Notification.objects.filter(pk__in=[n.pk for n in lost]).delete()
    monkeypatch.setattr(services, "INSERT_BATCH", 2)
    mail.outbox.clear()
    with django_assert_num_queries(REMINDER_QUERIES + 2):  # 5 new rows: 3 inserts of at most 2
        run = reminders_send(today=MARCH_25)
    assert run.created == 5
    assert set(Notification.objects.values_list("recipient_id", "key", "text", "url", "level")) == everything
    # Each person whose reminder was written again is e-mailed that one only.
    assert sum(int(re.search(r"(\d+)条新提醒", message.subject)[1]) for message in mail.outbox) == 5
