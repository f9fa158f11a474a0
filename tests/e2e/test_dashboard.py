"""The dashboard in a real Chromium, on the demo data: charts drawn, review in place, figures that
lead to their lists."""

import re

from .conftest import login, screenshot

DASHBOARD = "/dashboard/?year=2022"


def test_the_charts_render_with_data(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "secretary")
    page.goto(f"{live_server.url}{DASHBOARD}")
    charts = page.locator("[data-chart]")
    assert charts.count() == 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("data-rendered") == "true"
        assert chart.locator("svg, canvas").count() >= 1
        # The drawn series carry numbers, not an empty frame.
        total = page.evaluate(
            """(el) => echarts.getInstanceByDom(el).getOption().series
                 .flatMap((s) => s.data.map((d) => (d && typeof d === "object" ? d.value : d) || 0))
                 .reduce((a, b) => a + b, 0)""",
            chart.element_handle(),
        )
        assert total > 0
    screenshot(page, "dashboard-secretary-desktop")


def test_the_review_queue_approves_a_record_in_place(live_server, demo, phone_page):
    page = phone_page
    login(page, live_server, "secretary")
    page.goto(f"{live_server.url}{DASHBOARD}")
    waiting = page.locator(".queue-row[data-status=submitted]")
    before = waiting.count()
    assert before >= 1
    row_id = waiting.first.get_attribute("id")
    # A marker on the window survives only if the page is not reloaded.
    page.evaluate("window.__stillHere = true")
    waiting.first.locator(".approve-button").click()
    page.locator(f"#{row_id}[data-status=approved]").wait_for()
    assert page.evaluate("window.__stillHere") is True
    assert page.locator(f"#{row_id} .approve-button").count() == 0
    assert page.locator("#queue-count").inner_text() == str(before - 1)
    screenshot(page, "dashboard-review-in-place-phone")

    page.reload()
    assert page.locator(".queue-row[data-status=submitted]").count() == before - 1


def test_a_figure_leads_to_a_list_with_the_same_count(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "secretary")
    page.goto(f"{live_server.url}{DASHBOARD}")
    shown = int(page.locator("#figure-field-visits .figure-value").inner_text())
    assert shown > 0
    page.locator("#figure-field-visits .figure-value a").click()
    page.wait_for_load_state("networkidle")
    assert "/activities/" in page.url
    assert page.locator("#activity-rows .activity-row").count() == shown
    assert all(
        status == "approved"
        for status in page.locator("#activity-rows .activity-row").evaluate_all(
            "(rows) => rows.map((row) => row.dataset.status)"
        )
    )


def test_the_committee_admin_sees_every_agency_and_opens_one(live_server, demo, phone_page):
    page = phone_page
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/dashboard/?year=2022")
    assert "/dashboard/overview/" in page.url
    names = page.locator("#overview-table tbody th").all_inner_texts()
    assert {"县工业和信息化局", "县发展和改革局"} <= {name.strip() for name in names}
    screenshot(page, "dashboard-overview-phone")
    page.locator("#overview-table tbody th a", has_text="县发展和改革局").click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"org=fagaiju", page.url)
    assert "县发展和改革局" in page.locator("h1").inner_text()
