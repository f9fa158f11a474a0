"""Issue 14's journeys, at a phone's 390 px and a desktop's 1366 px: every action says what it did,
the menu leads only where one may go, and the wide overview says it scrolls. Screenshots go to
test-artifacts/picky-*.png."""

import importlib

import pytest

from .conftest import DESKTOP, PHONE, login, screenshot

VIEWPORTS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def _name(viewport) -> str:
    return "phone" if viewport == PHONE else "desktop"


def _sign_in(page, live_server, username):
    login(page, live_server, username)
    # On a loaded machine the redirect after signing in can outlast login()'s wait: wait for the menu.
    page.locator("#nav-main").wait_for(state="attached", timeout=60_000)


def _message(page) -> str:
    alert = page.locator("#messages .alert").last
    alert.wait_for()
    return alert.inner_text()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_see_their_own_points_and_no_menu_entry_that_refuses_them(
    live_server, demo, new_page, viewport
):
    page = new_page(viewport)
    _sign_in(page, live_server, "staff")
    menu = page.locator("#nav-main")
    assert menu.locator("a[href='/points/']").count() == 0
    assert menu.locator("a[href='/dashboard/']").count() == 0
    page.goto(f"{live_server.url}/activities/mine/?year=2022")
    assert "学习积分" in page.locator("main").inner_text()
    screenshot(page, f"picky-staff-own-points-{_name(viewport)}")
    # Typed in by hand, the members' points are refused in the portal's own page, in Chinese.
    page.goto(f"{live_server.url}/points/")
    assert "您没有权限打开此页面" in page.locator("main").inner_text()
    assert page.locator(".navbar-brand").is_visible()
    screenshot(page, f"picky-staff-403-{_name(viewport)}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_recorder_records_submits_and_sees_the_confirmation(live_server, demo, new_page, viewport):
    page = new_page(viewport)
    _sign_in(page, live_server, "recorder")
    page.goto(f"{live_server.url}/activities/new/?kind=weekly_study")
    page.fill("#id_title", f"每周理论学习（{_name(viewport)}）")
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "11:30")
    page.locator("#id_end_time").dispatch_event("change")
    assert page.locator("#id_hours").input_value() == "2.5"
    page.click("#save-button")
    page.wait_for_load_state("networkidle")
    assert "草稿" in _message(page)
    page.click("#submit-button")
    page.locator("#review-panel[data-status=submitted]").wait_for()
    message = _message(page)
    assert "已提交审核" in message and "草稿" not in message
    assert page.locator("#messages .alert").count() == 1
    screenshot(page, f"picky-recorder-submitted-{_name(viewport)}")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_secretary_approves_edits_and_regenerates_with_feedback_each_time(
    live_server, demo, new_page, viewport
):
    page = new_page(viewport)
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/activities/?status=submitted")
    page.locator("#activity-rows a.activity-title").first.click()
    page.wait_for_load_state("networkidle")
    page.locator("#review-panel .approve-button").click()
    page.locator("#review-panel[data-status=approved]").wait_for()
    assert "审核通过" in _message(page) or "已审核" in _message(page)
    screenshot(page, f"picky-secretary-approved-{_name(viewport)}")

    page.goto(f"{live_server.url}/reports/2022/?org=gongxinju")
    assert page.locator("#achievements-heading").inner_text().startswith("一、")
    section = page.locator("#section-practice")
    section.locator("a[hx-get]").click()
    textarea = page.locator("#section-practice textarea")
    textarea.wait_for()
    textarea.fill(textarea.input_value() + "\n补充一句。")
    page.locator("#section-practice button[type=submit]").click()
    page.locator("#section-practice .section-text").wait_for()
    assert "已保存" in _message(page)
    assert page.locator("#summary-state").inner_text() == "草稿"
    screenshot(page, f"picky-secretary-section-saved-{_name(viewport)}")

    page.locator("#section-practice form[hx-post] button").click()
    page.locator("#messages .alert", has_text="重新生成").wait_for()
    assert "补充一句。" not in page.locator("#section-practice .section-text").inner_text()
    screenshot(page, f"picky-secretary-regenerated-{_name(viewport)}")


def test_the_admin_reads_the_overview_on_a_phone_and_is_told_it_scrolls(live_server, demo, new_page):
    page = new_page(PHONE)
    _sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/dashboard/overview/?year=2022")
    hint = page.locator("#overview-scroll-hint")
    assert hint.is_visible() and "滑动" in hint.inner_text()
    box = page.locator(".table-responsive").first
    assert box.evaluate("element => element.scrollWidth > element.clientWidth")
    screenshot(page, "picky-admin-overview-phone")
    box.evaluate("element => element.scrollLeft = element.scrollWidth")
    screenshot(page, "picky-admin-overview-phone-scrolled")

    desktop = new_page(DESKTOP)
    _sign_in(desktop, live_server, "admin")
    desktop.goto(f"{live_server.url}/dashboard/overview/?year=2022")
    assert not desktop.locator("#overview-scroll-hint").is_visible()
    screenshot(desktop, "picky-admin-overview-desktop")


def test_the_dashboards_monthly_tables_fit_their_cards_at_1366(live_server, demo, new_page):
    page = new_page(DESKTOP)
    _sign_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/dashboard/?year=2022")
    for table in ("#table-activities", "#table-attendance"):
        box = page.locator(table).locator("xpath=..")
        assert box.evaluate("element => element.scrollWidth <= element.clientWidth"), table
    screenshot(page, "picky-secretary-dashboard-desktop")


def test_a_yearly_rules_count_is_in_view_on_a_phone(live_server, demo, new_page):
    # The default norms come from a data migration, which an earlier browser test's flush removed.
    from django.apps import apps

    importlib.import_module("activities.migrations.0003_default_norms").add_default_norms(apps, None)
    page = new_page(PHONE)
    _sign_in(page, live_server, "secretary")
    page.goto(f"{live_server.url}/norms/?year=2022")
    yearly = page.locator("#norms-grid td[colspan='12']").first
    text = yearly.inner_text().strip()
    assert "/" in text
    # The count's own box, not the twelve-month cell's, lies within the phone's width.
    right = yearly.evaluate(
        "cell => { const range = document.createRange(); range.selectNodeContents(cell);"
        " return range.getBoundingClientRect().right; }"
    )
    assert right <= PHONE["width"]
    screenshot(page, "picky-secretary-norms-phone")
