"""A field visit recorded on a phone, submitted, and approved by the secretary without a page reload."""

from activities.models import Activity, Attachment

from ..activities.uploads import PNG_BYTES
from .conftest import login, screenshot


def test_staff_records_a_field_visit_on_a_phone_and_the_secretary_approves_it(
    live_server, demo, phone_page, new_page, tmp_path
):
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG_BYTES)
    page = phone_page
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/activities/new/")
    page.click("button[data-kind=field_visit]")
    assert page.locator("#form-kind").inner_text() == "现场教学"
    page.fill("#id_title", "到县革命历史纪念馆重温入党誓词（手机登记）")
    page.fill("#id_location", "县革命历史纪念馆")
    page.check("#id_oath_renewed")
    page.fill("#id_notes", "参观纪念馆，重温入党誓词。")
    page.select_option("select[data-person=李明]", "present")
    page.select_option("select[data-person=林建华]", "present")
    assert page.locator("[data-attendee-count]").inner_text() == "2"
    page.set_input_files("#id_files", str(photo))
    screenshot(page, "field-visit-form-phone")
    page.click("#save-button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#activity-title").inner_text() == "到县革命历史纪念馆重温入党誓词（手机登记）"
    assert page.locator(".attendance-row").count() == 2
    assert "现场照片.png" in page.locator("#attachments").inner_text()
    page.click("#submit-button")
    page.locator("#review-panel[data-status=submitted]").wait_for()
    screenshot(page, "field-visit-submitted-phone")

    activity = Activity.objects.get(title="到县革命历史纪念馆重温入党誓词（手机登记）")
    assert (activity.kind, activity.status, activity.location) == (
        "field_visit",
        "submitted",
        "县革命历史纪念馆",
    )
    assert Attachment.objects.get(activity=activity).content_type == "image/png"

    secretary = new_page(viewport={"width": 390, "height": 844})
    login(secretary, live_server, "secretary")
    secretary.goto(f"{live_server.url}/activities/?status=submitted")
    row = secretary.locator(f"#activity-row-{activity.pk}")
    # A marker on the window survives only if the page is not reloaded.
    secretary.evaluate("window.stillTheSamePage = true")
    row.locator(".approve-button").click()
    secretary.locator(f"#activity-row-{activity.pk}[data-status=approved]").wait_for()
    assert secretary.evaluate("window.stillTheSamePage") is True
    assert "已审核" in secretary.locator(f"#activity-row-{activity.pk} .activity-status").inner_text()
    screenshot(secretary, "field-visit-approved-list-phone")

    secretary.goto(f"{live_server.url}/activities/")
    assert secretary.locator(f"#activity-row-{activity.pk} .activity-status").inner_text() == "已审核"
    activity.refresh_from_db()
    assert activity.status == "approved"
