"""The list's pager in the browser: "next" and "previous" carry the key of the page's edge row and
land on the same rows as the page's number alone."""

from .conftest import login


def _rows(page) -> list[str]:
    return page.locator("#activity-rows > *").all_inner_texts()


def test_next_and_previous_by_key_show_the_pages_rows(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "recorder")
    page.goto(f"{live_server.url}/activities/")
    first = _rows(page)
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**after=**")
    second = _rows(page)
    assert second and second != first
    assert "第 2 页" in page.locator("nav .pagination").inner_text()
    page.goto(f"{live_server.url}/activities/?page=2")
    assert _rows(page) == second
    if page.get_by_role("link", name="下一页").count():
        page.get_by_role("link", name="下一页").click()
        page.wait_for_url("**page=3**")
        page.get_by_role("link", name="上一页").click()
        page.wait_for_url("**before=**")
        assert _rows(page) == second
    page.get_by_role("link", name="上一页").click()
    page.wait_for_url("**page=1**")
    assert _rows(page) == first
