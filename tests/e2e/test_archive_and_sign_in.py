"""Issue 17 in a real Chromium: the secretary downloads the year's archive; the recorder runs a
meeting's sign-in from a laptop screen while a colleague signs in on a phone; the administrator moves a
member to the neighbouring agency."""

import io
import zipfile

from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity
from studyportal.accounts.models import Organization, User

from .conftest import ARTIFACTS, DESKTOP, PHONE, login, screenshot


def test_the_secretary_downloads_the_archive_of_the_year(live_server, demo, desktop_page, tmp_path):
    page = desktop_page
    login(page, live_server, "secretary")
    page.goto(f"{live_server.url}/reports/2022/?org=gongxinju")
    page.click("#archive-link")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "县工业和信息化局2022年学习档案目录"
    rows = page.locator(".document-table tbody tr")
    bureau = Organization.objects.get(code="gongxinju")
    approved = (
        Activity.objects.alive().approved().of_year(2022).filter(organization__path__startswith=bureau.path)
    )
    assert rows.count() == approved.count()
    # The top of the page (a full page of 124 rows is too tall to look at).
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "archive-1-index.png"))
    # A year of record sheets takes a while to write on a busy machine.
    with page.expect_download(timeout=180_000) as download_info:
        page.click("#archive-download")
    download = download_info.value
    assert download.suggested_filename == "县工业和信息化局2022年学习档案.zip"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert "目录.docx" in names
    assert sum(name.endswith("/记录表.docx") for name in names) == rows.count()


def test_the_recorder_runs_the_sign_in_while_a_colleague_signs_in_on_a_phone(live_server, demo, new_page):
    recorder = User.objects.get(username="recorder")
    colleague = User.objects.get(username="staff")
    activity = Activity.objects.create(
        organization=Organization.objects.get(code="gongxinju"),
        kind="weekly_study",
        date=timezone.localdate(),
        title="学习党的二十大报告",
        recorded_by=recorder,
    )
    screen = new_page(DESKTOP)
    login(screen, live_server, "recorder")
    screen.goto(f"{live_server.url}/activities/{activity.pk}/")
    screen.click(f"a[href='/activities/{activity.pk}/qr/']")
    screen.wait_for_load_state("networkidle")
    assert screen.locator("#qr-code svg").count() == 1
    count_before = screen.locator("#roster-count").inner_text()
    assert count_before.startswith("已到 0 / 应到")
    assert screen.locator(f"[data-person='{colleague.pk}']").get_attribute("data-status") == "waiting"
    screenshot(screen, "sign-in-1-screen")

    phone = new_page(PHONE)
    login(phone, live_server, "staff")
    phone.goto(screen.locator("#sign-in-url").get_attribute("href"))
    phone.click("#sign-in-button")
    assert "签到成功" in phone.locator("main").inner_text()
    screenshot(phone, "sign-in-2-phone")

    # The screen's list refreshes itself: no reload.
    screen.locator(f"[data-person='{colleague.pk}'][data-status='present']").wait_for(timeout=15_000)
    assert screen.locator("#roster-count").inner_text().startswith("已到 1 / 应到")
    # The recorder marks someone on leave from the same page.
    secretary = User.objects.get(username="secretary")
    screen.locator(f"[data-person='{secretary.pk}'] button[value='leave']").click()
    screen.locator(f"[data-person='{secretary.pk}'][data-status='leave']").wait_for()
    assert "请假 1" in screen.locator("#roster-count").inner_text()
    screenshot(screen, "sign-in-3-screen-after")
    assert set(activity.attendances.values_list("person__username", "status")) == {
        ("staff", "present"),
        ("secretary", "leave"),
    }


def test_the_admin_moves_a_member_to_the_neighbouring_agency(live_server, demo, desktop_page):
    page = desktop_page
    person = User.objects.get(username="staff")
    target = Organization.objects.filter(kind="branch", parent__code="fagaiju").first()
    login(page, live_server, "admin")
    page.click("nav >> text=人员管理")
    page.select_option("#people-org", label="县工业和信息化局")
    page.click("text=查看")
    page.wait_for_load_state("networkidle")
    row = page.locator(f"#person-{person.pk}")
    assert person.real_name in row.inner_text()
    screenshot(page, "people-1-list")
    row.locator(".person-move").click()
    page.wait_for_load_state("networkidle")
    page.select_option("#move-form select[name=branch]", str(target.pk))
    screenshot(page, "people-2-move")
    page.click("#move-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert f"{person.real_name} 已转入 {target.name}" in page.locator("main").inner_text()
    assert person.real_name in page.locator("#people").inner_text()
    screenshot(page, "people-3-moved")
    person.refresh_from_db()
    assert (person.agency.code, person.branch) == ("fagaiju", target)
    out = io.StringIO()
    call_command("stats_rebuild", verify=True, stdout=out)
    assert "一致" in out.getvalue()
