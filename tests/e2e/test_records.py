"""The secretary's rectification, norms, points and plan pages in a real browser, in Chinese."""

import pytest

from .conftest import login, screenshot


def test_the_secretary_takes_an_item_from_new_to_closed_on_a_phone(live_server, demo, phone_page):
    page = phone_page
    login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/rectification/new/")
    page.fill("textarea[name=problem]", "学习笔记不够规范")
    page.select_option("select[name=category]", "theory")
    page.select_option("select[name=owner]", label="吴秀英")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-status").inner_text().startswith("未开始")

    page.click("text=开始整改")
    page.wait_for_load_state("networkidle")
    page.fill("#progress-form textarea[name=note]", "已统一学习笔记格式")
    page.click("#progress-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("text=标记为已完成")
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-status").inner_text().startswith("已完成")

    page.click("#close-form button[type=submit]")  # no evidence yet
    page.wait_for_load_state("networkidle")
    assert "这个字段是必填项" in page.locator("#close-form").inner_text()
    page.fill("#close-form textarea[name=evidence]", "规范后的学习笔记10本")
    page.click("#close-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#item-status").inner_text().startswith("已销号")
    assert "已统一学习笔记格式" in page.locator("#progress-log").inner_text()
    screenshot(page, "tracking-rectification-closed-phone")


@pytest.mark.parametrize("path", ["/rectification/", "/points/", "/publicity/", "/plans/", "/norms/"])
def test_the_secretarys_pages_fit_a_phone(live_server, demo, phone_page, path):
    login(phone_page, live_server, "secretary")
    response = phone_page.goto(f"{live_server.url}{path}")
    assert response.status == 200
    # Nothing wider than the screen except inside a scrolling table.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone_page, f"tracking{path.replace('/', '-').rstrip('-')}-phone")


def test_choosing_a_month_reloads_the_activities_a_plan_item_can_point_to(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "recorder")
    page.goto(f"{live_server.url}/plans/2022/items/new/?org=gongxinju")
    page.select_option("select[name=month]", "4")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "Array.from(document.querySelectorAll('#id_fulfilled_by option')).slice(1)"
        ".every(o => o.textContent.startsWith('2022-04'))"
    )
    assert page.locator("#id_fulfilled_by option").count() > 1
    screenshot(page, "tracking-plan-item-desktop")
