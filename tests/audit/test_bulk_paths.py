"""Rows written in bulk (attendance, imported rows, summary sections) are in the audit chain too."""

import datetime

from django.core.management import call_command

from activities.models import Attendance
from activities.services.activity import activity_create
from studyportal.audit.models import AuditEntry


def attendance_entries():
    return AuditEntry.objects.filter(model__iendswith="attendance", action=AuditEntry.Action.CREATE)


def test_attendance_of_a_new_activity_is_audited_with_its_author(branch, recorder, staff, secretary):
    activity_create(
        by=recorder,
        organization=branch,
        kind="weekly_study",
        date=datetime.date(2022, 4, 1),
        title="学习二十大报告",
        attendance={staff: Attendance.Status.PRESENT, secretary: Attendance.Status.LEAVE},
    )
    entries = attendance_entries()
    assert entries.count() == 2
    assert {entry.actor_id for entry in entries} == {recorder.pk}
    call_command("audit_verify")


def test_attendance_of_imported_rows_is_audited(agency, branch, staff, secretary, admin_user, tmp_path):
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "日期,类型,主题,地点,主讲人/领学人,参加人员,参加人数,时长,学习内容,备注\n"
        f"2022-05-06,每周理论学习,学习党章,会议室,,{staff.real_name}、{secretary.real_name},2,2,《党章》,\n",
        encoding="utf-8",
    )
    call_command("import_ledger", str(ledger), "--org", agency.code, "--user", admin_user.username)
    # An import records its attendance as a table of rows in one entry (services.audit_record_rows).
    entry = attendance_entries().get()
    rows = [dict(zip(entry.after["fields"], row, strict=True)) for row in entry.after["rows"]]
    assert sorted((row["id"], row["person"]) for row in rows) == sorted(
        Attendance.objects.values_list("pk", "person_id")
    )
    assert {row["person"] for row in rows} == {staff.pk, secretary.pk}
    assert entry.actor_id == admin_user.pk
    call_command("audit_verify")
