"""Whole journeys in a real Chromium, on the demo data, in Chinese (issue 8 "Trust").

The single steps are tested where they live: logging in and the language switch in test_login.py, the
review queue's approval in place in test_dashboard.py, a new rectification item taken to closed in
test_records.py, editing a section in test_summary_edit.py. Here they are chained the way the secretary
and the administrator use them, and each journey ends by checking what they would take away.
"""

import io

from docx import Document
from openpyxl import load_workbook

from .conftest import login, screenshot

TITLE = "县工业和信息化局2022年度建设学习型机关工作总结"
EDITED = "领导班子坚持学原著、悟原理，全年党组理论学习中心组集中学习、交流研讨共计14次，做到学有所获。"
PROGRESS = "已组织中心组成员开展专题研讨，形成研讨材料汇编一册"


def test_the_secretary_reviews_a_record_then_moves_a_rectification_item_on(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "secretary")

    # The review queue on the dashboard: one record approved without leaving the page.
    page.goto(f"{live_server.url}/dashboard/?year=2022")
    waiting = page.locator(".queue-row[data-status=submitted]")
    before = waiting.count()
    assert before >= 1
    row_id = waiting.first.get_attribute("id")
    screenshot(page, "journey-secretary-1-dashboard")
    waiting.first.locator(".approve-button").click()
    page.locator(f"#{row_id}[data-status=approved]").wait_for()
    assert page.locator("#queue-count").inner_text() == str(before - 1)
    screenshot(page, "journey-secretary-2-approved")

    # Then an item still being rectified: progress reported, the item marked complete.
    page.goto(f"{live_server.url}/rectification/?year=2022&status=in_progress")
    item_link = page.locator("#rectification-table tbody a").first
    problem = item_link.inner_text().strip()
    item_link.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-status").inner_text().startswith("整改中")
    screenshot(page, "journey-secretary-3-item")
    page.fill("#progress-form textarea[name=note]", PROGRESS)
    page.click("#progress-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert PROGRESS in page.locator("#progress-log").inner_text()
    page.click("text=标记为已完成")
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-status").inner_text().startswith("已完成")
    screenshot(page, "journey-secretary-4-item-done")

    # The lists tell the same story: no longer in progress, now among the completed.
    page.goto(f"{live_server.url}/rectification/?year=2022&status=in_progress")
    assert problem not in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/rectification/?year=2022&status=done")
    assert problem in page.locator("#rectification-table").inner_text()
    screenshot(page, "journey-secretary-5-done-list")

    # And the approved record stays approved after a reload of the dashboard.
    page.goto(f"{live_server.url}/dashboard/?year=2022")
    assert page.locator(".queue-row[data-status=submitted]").count() == before - 1


def test_the_admin_edits_the_summary_and_downloads_it_as_word_and_excel(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/reports/2022/?org=gongxinju")
    assert TITLE in page.locator("#summary-title").inner_text()
    screenshot(page, "journey-admin-1-summary")

    section = page.locator("#section-leading")
    section.locator("a[hx-get]").click()
    textarea = page.locator("#section-leading textarea")
    textarea.wait_for()
    original = textarea.input_value()
    sentence = next(part + "。" for part in original.split("。") if "共计14次" in part)
    textarea.fill(original.replace(sentence, EDITED))
    page.locator("#section-leading button[type=submit]").click()
    page.locator("#section-leading .section-text").wait_for()
    assert EDITED in page.locator("#section-leading .section-text").inner_text()
    screenshot(page, "journey-admin-2-edited")

    page.reload()
    assert page.locator("#summary-state").inner_text() == "草稿"
    links = page.locator("#summary-exports a")

    with page.expect_download() as word:
        links.filter(has_text="Word").click()
    document = Document(io.BytesIO(word.value.path().read_bytes()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert TITLE in text
    assert EDITED in text
    assert sentence not in text
    assert word.value.suggested_filename.endswith(".docx")

    with page.expect_download() as excel:
        links.filter(has_text="Excel").click()
    workbook = load_workbook(io.BytesIO(excel.value.path().read_bytes()), read_only=True)
    for name in ["领学", "助学", "检学", "整改事项", "学习积分", "上稿"]:
        assert name in workbook.sheetnames
        # A header row and at least one row of the demo's records.
        assert sum(1 for _row in workbook[name].iter_rows(values_only=True)) >= 2, name
    assert excel.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "journey-admin-3-downloaded")


def test_the_activity_list_speaks_english_after_the_switch(live_server, demo, phone_page):
    """test_login.py switches the home page; the choice must hold on the next page too."""
    page = phone_page
    login(page, live_server, "recorder")
    page.select_option("#language-form select", "en")
    with page.expect_navigation():
        page.click("#language-form button[type=submit]")
    page.goto(f"{live_server.url}/activities/?year=2022")
    assert page.locator("html").get_attribute("lang") == "en"
    heading = page.locator("h1").inner_text()
    assert heading.isascii() and heading.strip()
    # The records' states are words of the interface, so they switch too (titles stay as recorded).
    assert "Approved" in page.locator("body").inner_text()
    assert "已审核" not in page.locator("body").inner_text()
    screenshot(page, "journey-activity-list-english-phone")
