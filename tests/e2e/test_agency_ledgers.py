"""An agency's own ledgers in the browser: the recorder imports one with the new columns and is told of a
column the portal does not read; the secretary of a two-branch agency reads its summary."""

import csv
import io
from importlib import import_module

from django.apps import apps as django_apps

from activities.models import Activity, Attendance
from demo.people import DEMO_PASSWORD
from studyportal.accounts.models import Organization, Role, RoleAssignment, User
from tests.reports.corpus import two_branches

from .conftest import PHONE, login, screenshot


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_a_recorder_imports_a_ledger_with_the_new_columns_and_sees_the_unknown_one_named(
    live_server, demo, desktop_page
):
    page = desktop_page
    login(page, live_server, "recorder")
    page.goto(f"{live_server.url}/activities/import/")
    ledger = _csv(
        [
            ["日期", "类型", "主题", "参加人员", "请假人员", "缺席人员", "党支部", "记录人"],
            [
                "2023-02-08",
                "支部委员会会议",
                "2月支部委员会会议",
                "吴秀英、张晓燕",
                "李明",
                "刘洋",
                "县工业和信息化局机关党支部",
                "张晓燕",
            ],
        ]
    )
    page.set_input_files(
        "input[type=file]", {"name": "二月台账.csv", "mimeType": "text/csv", "buffer": ledger}
    )
    page.click("#import-form button[type=submit]")
    warning = page.locator(".import-warning")
    warning.wait_for()
    assert "「记录人」" in warning.inner_text()
    assert "不会导入" in warning.inner_text()
    headers = page.locator("#import-rows thead").inner_text()
    assert "党支部" in headers and "请假人员" in headers and "缺席人员" in headers
    screenshot(page, "import-new-columns-preview-desktop")
    # On a phone the page itself does not scroll sideways: only the table of rows does, inside its box.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "import-new-columns-preview-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("#confirm-import")
    page.wait_for_load_state("networkidle")
    activity = Activity.objects.get(title="2月支部委员会会议")
    assert activity.organization.code == "gongxinju-dzb"
    statuses = dict(activity.attendances.values_list("person__real_name", "status"))
    assert statuses["李明"] == Attendance.Status.LEAVE and statuses["刘洋"] == Attendance.Status.ABSENT


def test_the_secretary_reads_the_summary_of_a_two_branch_agency(
    live_server, transactional_db, new_page, tmp_path
):
    # A browser test's database is emptied after each test, the migration's default norms with it.
    import_module("activities.migrations.0003_default_norms").add_default_norms(django_apps, None)
    code, year = two_branches(tmp_path)
    agency = Organization.objects.get(code=code)
    secretary = User.objects.create(username="sjj_secretary", real_name="审计局书记", agency=agency)
    secretary.set_password(DEMO_PASSWORD)
    secretary.save()
    RoleAssignment.objects.create(user=secretary, organization=agency, role=Role.SECRETARY)

    for viewport, name in ((None, "desktop"), (PHONE, "phone")):
        page = new_page(viewport) if viewport else new_page()
        login(page, live_server, "sjj_secretary")
        page.goto(f"{live_server.url}/reports/{year}/")
        assert "县审计局2023年度建设学习型机关工作总结" in page.locator("h1").inner_text()
        shortcomings = page.locator("#section-shortcomings").inner_text()
        assert "县审计局机关第二党支部3月、9月未召开支部委员会会议" in shortcomings
        assert "党小组会" not in shortcomings and "第一党支部" not in shortcomings
        next_steps = page.locator("#section-next_steps").inner_text()
        assert "督促县审计局机关第二党支部按规定频次落实支部委员会会议" in next_steps
        assert "出勤率" not in page.locator("#section-leading").inner_text()
        if viewport:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshot(page, f"summary-two-branches-{name}")
