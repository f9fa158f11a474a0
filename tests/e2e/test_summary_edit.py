from .conftest import login, screenshot

EDITED = "领导班子坚持学原著、悟原理，年度党组理论学习中心组召开集中学习、交流研讨共计14次。"


def test_secretary_edits_a_sentence_of_the_summary_and_it_stays_after_reload(live_server, demo, desktop_page):
    page = desktop_page
    login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/reports/2022/")
    section = page.locator("#section-leading")
    assert "共计14次" in section.inner_text()
    screenshot(page, "summary-secretary-desktop")

    section.locator("a[hx-get]").click()
    textarea = page.locator("#section-leading textarea")
    textarea.wait_for()
    original = textarea.input_value()
    sentence = next(part + "。" for part in original.split("。") if "共计14次" in part)
    textarea.fill(original.replace(sentence, EDITED))
    page.locator("#section-leading button[type=submit]").click()
    page.locator("#section-leading .section-text").wait_for()

    page.reload()
    text = page.locator("#section-leading .section-text").inner_text()
    assert EDITED in text
    assert sentence not in text
    assert page.locator("#summary-state").inner_text() == "草稿"


def test_the_summary_reads_on_a_phone(live_server, demo, phone_page):
    login(phone_page, live_server, "secretary")
    phone_page.goto(f"{live_server.url}/reports/2022/")
    assert "县工业和信息化局2022年度建设学习型机关工作总结" in phone_page.locator("h1").inner_text()
    # Nothing wider than the screen: the page does not scroll sideways.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "summary-secretary-phone")
