"""A keyboard-only journey (issue 19): logging in, recording an activity with attendees, submitting it.

No click and no fill: only Tab, Enter, arrow keys and typing, as someone who cannot use a mouse works.
The Tab stops before the first field of the activity form are counted: the skip link jumps the menu.
"""

from activities.models import Activity

from .conftest import screenshot

TITLE = "键盘登记：学习党的二十大精神专题研讨"


def tab_until(page, selector, limit=120):
    """Presses Tab until the focus is on `selector`; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def focused(page):
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def test_a_recorder_logs_in_records_and_submits_an_activity_with_the_keyboard_only(
    live_server, demo, desktop_page
):
    page = desktop_page
    page.goto(f"{live_server.url}/accounts/login/")
    # The user name has the focus from the start: no Tab stop at all before the first field.
    assert focused(page) == "id_username"
    page.keyboard.type("recorder")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-pass-2022")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#home-agency").count() == 1

    page.goto(f"{live_server.url}/activities/new/")
    tab_until(page, "button[data-kind=field_visit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The first Tab reaches the skip link; Enter on it, and the next Tab stops are in the page, not
    # in the menu: the "choose another kind" link, then the form's first field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.locator(".skip-link").is_visible()
    screenshot(page, "keyboard-1-skip-link")
    page.keyboard.press("Enter")
    assert tab_until(page, "#activity-form :is(input, select, textarea):not([type=hidden])") == 2

    # Enter in the title with nothing typed: the form comes back, the focus on what needs fixing.
    tab_until(page, "#id_title")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate(
        "document.activeElement.matches('#activity-form .alert-danger, #activity-form .is-invalid')"
    ), f"focus after the refused save is on {focused(page)}"
    screenshot(page, "keyboard-2-error-focused")

    tab_until(page, "#id_title")
    page.keyboard.type(TITLE)
    tab_until(page, "#id_location")
    page.keyboard.type("局三楼会议室")
    for person in ("李明", "林建华"):
        tab_until(page, f"select[data-person={person}]")
        page.keyboard.press("ArrowDown")  # 未列入 → 出席
    assert page.locator("[data-attendee-count]").inner_text() == "2"
    tab_until(page, "#save-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#activity-title").inner_text() == TITLE
    assert page.locator(".attendance-row").count() == 2

    tab_until(page, "#submit-button")
    page.keyboard.press("Enter")
    page.locator("#review-panel[data-status=submitted]").wait_for()
    screenshot(page, "keyboard-3-submitted")
    activity = Activity.objects.get(title=TITLE)
    assert (activity.status, activity.attendances.filter(status="present").count()) == ("submitted", 2)


def test_a_refused_login_puts_the_focus_on_the_error_summary(live_server, demo, phone_page):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.type("recorder")
    page.keyboard.press("Tab")
    page.keyboard.type("not-the-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("main form .alert-danger")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.matches('main form .alert-danger')"), focused(page)
    screenshot(page, "keyboard-login-refused-phone")
