"""The year-round assistant in a real Chromium, on the demo data (the year 2022), a few days before
the first quarter of 2023 ends with nothing recorded yet: the secretary sees an amber rule on the
home page, opens the bell, and follows a figure of the dashboard and one of the summary to the
records they count."""

import datetime
import importlib

import pytest

from studyportal.notifications.services import reminders_send

from .conftest import DESKTOP, PHONE, login, screenshot


@pytest.fixture
def default_norms(demo):
    """The default norms are rows of a data migration, which the flush after an earlier browser test
    deletes: put back as the migration writes them (get_or_create: nothing doubles)."""
    from django.apps import apps

    importlib.import_module("activities.migrations.0003_default_norms").add_default_norms(apps, None)


FIVE_DAYS_BEFORE_QUARTER_END = datetime.date(2023, 3, 27)


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_secretary_is_warned_before_a_rule_is_missed_and_traces_a_figure(
    live_server, default_norms, new_page, today_is, viewport, name
):
    today_is(FIVE_DAYS_BEFORE_QUARTER_END)  # the live server runs in this process: its today too
    run = reminders_send()
    assert run.created > 0
    page = new_page(viewport)
    login(page, live_server, "secretary")

    amber = page.locator("#panel-norms-due .norm-due-amber")
    assert amber.count() >= 1
    assert "还剩5天" in amber.first.inner_text()
    badge = page.locator("#bell .bell-badge")
    badge.wait_for()
    unread = int(badge.get_attribute("data-unread"))
    assert unread >= 1
    screenshot(page, f"reminders-home-{name}")

    page.locator("#bell").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#notifications .notification-new").count() == unread
    assert page.locator("#notifications").inner_text().count("还剩5天") >= 1
    screenshot(page, f"reminders-inbox-{name}")
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#bell .bell-badge").count() == 0  # read once the inbox was opened

    page.goto(f"{live_server.url}/dashboard/?year=2022")
    shown = int(page.locator("#figure-central-group .figure-value").inner_text())
    assert shown > 0
    page.locator("#figure-central-group .figure-value a").click()
    page.wait_for_load_state("networkidle")
    assert "/activities/" in page.url and "group=central_group" in page.url
    assert page.locator("#activity-rows .activity-row").count() == shown
    screenshot(page, f"reminders-figure-records-{name}")

    # The summary's figures: its sources page, and the central group's count followed to the ledger.
    page.goto(f"{live_server.url}/reports/2022/?org=gongxinju")
    page.locator("#summary-sources").click()
    page.wait_for_load_state("networkidle")
    central = page.locator(".source-figure", has_text="中心组集中学习研讨").first.locator(".source-count")
    count = int("".join(ch for ch in central.inner_text() if ch.isdigit()))
    assert count == shown  # the same figure as the dashboard's
    screenshot(page, f"reminders-summary-sources-{name}")
    central.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#activity-rows .activity-row").count() == count
