from .conftest import login, screenshot


def test_secretary_logs_in_in_chinese_and_sees_the_bureau(live_server, demo, phone_page):
    phone_page.goto(f"{live_server.url}/accounts/login/")
    assert phone_page.locator("main button[type=submit]").inner_text().strip() == "登录"
    login(phone_page, live_server, "secretary")
    assert phone_page.locator("#home-agency").inner_text() == "县工业和信息化局"
    screenshot(phone_page, "login-secretary-home-phone")


def test_the_language_switch_turns_the_page_english_on_enter_not_on_the_arrow_key(
    live_server, demo, desktop_page
):
    login(desktop_page, live_server, "staff")
    language = desktop_page.locator("#language-form select")
    # Arrowing through the choices changes nothing yet (WCAG 3.2.2), Enter switches.
    language.focus()
    desktop_page.keyboard.press("ArrowDown")
    desktop_page.wait_for_timeout(500)
    assert language.input_value() == "en"
    assert desktop_page.locator("html").get_attribute("lang") == "zh-hans"
    with desktop_page.expect_navigation():
        desktop_page.keyboard.press("Enter")
    assert "Welcome" in desktop_page.locator("h1").inner_text()
    assert desktop_page.locator("html").get_attribute("lang") == "en"
