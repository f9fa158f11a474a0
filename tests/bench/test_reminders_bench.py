"""The bench's send_reminders case measures a real run and leaves nothing behind."""

import datetime

from activities.models import Kind, Norm
from bench.run import Case, measure_reminders
from studyportal.notifications.models import Notification


def test_the_reminders_case_times_a_run_counts_its_queries_and_rolls_it_back(secretary, recorder, branch):
    Norm.objects.update(is_active=False)
    Norm.objects.create(kind=Kind.BRANCH_COMMITTEE, scope="branch", period="month", minimum=1, source="t")
    case = Case("reminders", "send_reminders", "admin", "manage.py send_reminders", 10_000, 2, "reminders")
    result = measure_reminders(case, datetime.date(2026, 12, 28))
    assert result.status == "ok"
    assert len(result.times_ms) == 2 and result.queries >= 10
    assert "2 notifications" in result.note
    assert not Notification.objects.exists()
