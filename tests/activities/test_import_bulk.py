"""The activity import writes in bulk, yet every record keeps its history and its audit entry."""

import hashlib
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from activities.imports.engine import ledger_import
from activities.models import (
    Activity,
    ActivityMonthStat,
    Attendance,
    PersonYearStat,
    Publicity,
    RectificationItem,
    StudyPoints,
)
from activities.stats import stats_verify
from studyportal.audit import services as audit_services
from studyportal.audit.keys import audit_key
from studyportal.audit.models import AuditEntry
from tests.audit.tampering import rechain_from

from .test_ledger import csv_bytes

HEADER = ["日期", "类型", "主题", "地点", "主讲人/领学人", "参加人员", "参加人数", "时长", "学习内容", "备注"]


def ledger(rows: int) -> bytes:
    lines = [HEADER]
    for n in range(rows):
        lines.append(
            [
                f"2022-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "中心组学习",
                f"学习第{n + 1}期",
                "三楼会议室",
                "赵局长",
                "张三、李四" if n % 2 else "张三、李四、王五",
                "",
                "2",
                "《党章》《百年大党面对面》" if n % 2 else f"《学习材料{n}》",
                "",
            ]
        )
    return csv_bytes(lines)


def run(data, organization, user, dry_run=False):
    return ledger_import(
        ledger_type="activities",
        data=data,
        filename="ledger.csv",
        organization=organization,
        user=user,
        dry_run=dry_run,
    )


@pytest.fixture
def people(staff, recorder, secretary, leader):
    return {"张三": staff, "李四": recorder, "王五": secretary, "赵局长": leader}


def entries(model: str, pks) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=model, object_id__in=[str(pk) for pk in pks]))


def test_each_imported_activity_has_one_history_record_showing_its_materials(agency, people):
    result = run(ledger(4), agency, people["李四"])
    assert result.created == 4

    for activity in Activity.objects.filter(organization=agency):
        records = list(activity.history.all())
        assert len(records) == 1
        record = records[0]
        assert record.history_type == "+"
        assert record.history_user == people["李四"]
        # Written from the rows' values, it holds what the record's own save() would have copied.
        for field in Activity.history.model.tracked_fields:
            assert getattr(record, field.attname) == getattr(activity, field.attname), field.name
        assert sorted(link.studymaterial.title for link in record.materials.all()) == sorted(
            material.title for material in activity.materials.all()
        )


def test_each_imported_activity_has_one_audit_entry_and_its_attendance_is_in_the_import_tables(
    agency, people
):
    run(ledger(4), agency, people["李四"])

    activities = list(Activity.objects.filter(organization=agency))
    activity_entries = entries("activities.activity", [a.pk for a in activities])
    assert sorted(int(entry.object_id) for entry in activity_entries) == sorted(a.pk for a in activities)
    assert {entry.action for entry in activity_entries} == {AuditEntry.Action.CREATE}
    assert {entry.actor_id for entry in activity_entries} == {people["李四"].pk}
    # Written from the rows' values, each entry reads as one for the record saved by itself would.
    for entry in activity_entries:
        activity = next(a for a in activities if a.pk == int(entry.object_id))
        assert (entry.object_repr, entry.after) == (str(activity), audit_services.snapshot(activity))

    # Attendance and material links (a dozen rows an activity) are recorded as tables of rows: every
    # row's values, under the same hash chain, in a few entries instead of one entry a row.
    attendance = list(Attendance.objects.filter(activity__in=activities))
    assert len(attendance) == 10
    assert table_rows("activities.attendance") == {
        (row.pk, row.activity_id, row.person_id, row.status) for row in attendance
    }
    links = Activity.materials.through.objects.filter(activity__in=activities)
    assert table_rows("activities.activity_materials") == {
        (link.pk, link.activity_id, link.studymaterial_id) for link in links
    }
    tables = AuditEntry.objects.filter(model__in=["activities.attendance", "activities.activity_materials"])
    assert {entry.actor_id for entry in tables} == {people["李四"].pk}
    call_command("audit_verify")


def table_rows(model: str) -> set[tuple]:
    rows = set()
    for entry in AuditEntry.objects.filter(model=model, action=AuditEntry.Action.CREATE):
        for values in entry.after["rows"]:
            row = dict(zip(entry.after["fields"], values, strict=True))
            rows.add(tuple(row[name] for name in entry.after["fields"] if name != "signed_in_at"))
    return rows


def test_an_import_is_closed_by_one_entry_naming_the_file_its_counts_and_every_record_it_created(
    agency, people
):
    data = ledger(4)
    before = AuditEntry.objects.order_by("-seq").first().seq
    run(data, agency, people["李四"])

    closing = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert closing.seq == AuditEntry.objects.order_by("-seq").first().seq
    assert closing.model == "activities.importbatch" and closing.object_repr == "ledger.csv"
    assert closing.actor_id == people["李四"].pk
    about = closing.after
    assert about["file"] == "ledger.csv" and about["sha256"] == hashlib.sha256(data).hexdigest()
    assert (about["rows"], about["created"], about["ledger_type"]) == (4, 4, "activities")
    listed = {
        label: sorted(pk for low, high in runs for pk in range(low, high + 1))
        for label, runs in about["records"].items()
    }
    activities = Activity.objects.filter(organization=agency)
    assert listed["activities.activity"] == sorted(a.pk for a in activities)
    assert listed["activities.attendance"] == sorted(
        Attendance.objects.filter(activity__in=activities).values_list("pk", flat=True)
    )
    # The entries it closes: every entry the import wrote, right before it.
    assert (about["entries"]["first"], about["entries"]["last"]) == (before + 1, closing.seq - 1)
    assert about["entries"]["count"] == closing.seq - 1 - before
    call_command("audit_verify")


def test_a_large_import_chains_its_entries_in_rounds_and_its_closing_entry_still_covers_them_all(
    agency, people, monkeypatch
):
    monkeypatch.setattr(audit_services, "MAX_QUEUED", 3)
    before = AuditEntry.objects.order_by("-seq").first().seq
    run(ledger(6), agency, people["李四"])
    closing = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert (closing.after["entries"]["first"], closing.after["entries"]["count"]) == (
        before + 1,
        closing.seq - 1 - before,
    )
    call_command("audit_verify")


def test_an_attendance_row_edited_in_the_audit_table_breaks_the_chain(agency, people):
    run(ledger(4), agency, people["李四"])
    table = AuditEntry.objects.get(model="activities.attendance")
    table.after["rows"][0][2] = people["赵局长"].pk
    AuditEntry.objects.filter(seq=table.seq).update(after=table.after)
    with pytest.raises(CommandError, match=f"第 {table.seq} 条被改动过"):
        call_command("audit_verify")


def test_a_row_dropped_from_the_audit_tables_is_found_even_if_the_chain_is_rehashed(agency, people):
    run(ledger(4), agency, people["李四"])
    table = AuditEntry.objects.get(model="activities.attendance")
    del table.after["rows"][0]
    AuditEntry.objects.filter(seq=table.seq).update(after=table.after)
    rechain_from(table.seq, key=audit_key())  # even by someone holding the audit key
    closing = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    first = closing.after["entries"]["first"]
    # The entries before the import's are the ones vouched for, not every entry read.
    with pytest.raises(
        CommandError,
        match=f"第 {closing.seq} 条（导入）与其汇总的.*第 1–{first - 1} 条完好",
    ):
        call_command("audit_verify")


def test_a_closing_entry_listing_other_records_than_its_entries_hold_is_found(agency, people):
    run(ledger(4), agency, people["李四"])
    closing = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    closing.after["records"]["activities.attendance"].append([999999, 999999])
    AuditEntry.objects.filter(seq=closing.seq).update(after=closing.after)
    rechain_from(closing.seq, key=audit_key())
    with pytest.raises(CommandError, match="列出的 activities.attendance 记录与其所含记录不符"):
        call_command("audit_verify")


def test_importing_the_same_file_again_adds_no_history_or_audit_entry(agency, people):
    data = ledger(3)
    run(data, agency, people["李四"])
    counts = (Activity.history.count(), AuditEntry.objects.count())

    result = run(data, agency, people["李四"])

    assert (result.created, result.unchanged) == (0, 3)
    assert (Activity.history.count(), AuditEntry.objects.count()) == counts


def test_a_dry_run_leaves_no_history_or_audit_entry(agency, people):
    counts = (Activity.history.count(), AuditEntry.objects.count())

    result = run(ledger(3), agency, people["李四"], dry_run=True)

    assert result.created == 3
    assert (Activity.history.count(), AuditEntry.objects.count()) == counts


@pytest.fixture
def sqlite_true_parameter_limit(monkeypatch):
    # Django 5.2 assumes SQLite's old limit of 999 parameters a statement and splits a bulk insert of
    # more than ~38 activities in two; the SQLite we run on (>= 3.32) takes 32,766. With the true
    # limit one insert per table holds a 50-row file, as PostgreSQL's does. Python 3.10 cannot ask
    # SQLite for it (Connection.getlimit is 3.11+): there the default of SQLite >= 3.32 stands.
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        if hasattr(connection.connection, "getlimit"):
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        else:
            assert sqlite3.sqlite_version_info >= (3, 32), sqlite3.sqlite_version
            limit = 32766
        monkeypatch.setattr(connection.features, "max_query_params", limit)


@pytest.mark.parametrize("rows", [10, 50])
def test_importing_costs_the_same_queries_however_many_rows(
    rows, agency, people, sqlite_true_parameter_limit, django_assert_num_queries
):
    data = ledger(rows)
    # 1 the importer's roles (who may import what, whether the records are approved); 1 the agency's
    # people; 1 its branches (党支部); 2 the all-or-nothing transaction (a savepoint inside the test's
    # own, and its release); 1 the import keys already imported; 3 study materials (read, insert the
    # missing, read again with their ids); 5 inserts (activities, their history records, the material
    # links, those links in history, attendance); 8 stats_rebuild of the one year touched (savepoint,
    # delete the year's month counts and person counts, four counting reads — the last one the
    # branches present at the agency's own activities —, release: the recorder's records wait for
    # review, so there is nothing to insert); 5 audit entries, all of them (the activities', the
    # attendance and link tables, the import's closing entry) in one round: savepoint, chain head
    # locked, entries, head updated, release. On PostgreSQL the rows go in by COPY
    # (studyportal/bulk.py), the activities, their history records, the material links, those
    # links in history and attendance each after 1 query drawing their ids from the sequence: 5 more.
    with django_assert_num_queries(27 + (5 if connection.vendor == "postgresql" else 0)):
        result = run(data, agency, people["李四"])
    assert result.created == rows
    assert Activity.objects.filter(organization=agency, date__year=2022).count() == rows


RECORD_LEDGERS = {
    "rectification": (
        RectificationItem,
        [
            ["问题", "类别", "责任人", "整改时限", "状态"],
            ["学习不深入", "理论学习", "张三", "2022/12/31", "整改中"],
        ]
        + [[f"问题{n}", "作风建设", "", "2022/12/31", "未开始"] for n in range(3)],
    ),
    "points": (
        StudyPoints,
        [
            ["姓名", "期间", "积分"],
            ["张三", "2022-01", "120"],
            ["李四", "2022-01", "90"],
            ["王五", "2022", "800"],
        ],
    ),
    "publicity": (
        Publicity,
        [["日期", "标题", "媒体", "级别"], ["2022/6/1", "二十大精神进企业", "县融媒体中心", "县级"]]
        + [["2022/6/2", f"稿件{n}", "单位公众号", "本单位"] for n in range(3)],
    ),
}


@pytest.mark.parametrize("ledger_type", RECORD_LEDGERS)
def test_each_imported_record_has_exactly_one_audit_entry_and_its_history(ledger_type, agency, people):
    model, rows = RECORD_LEDGERS[ledger_type]
    # Points are the secretary's to import (issue 13, finding 2).
    importer = people["王五"] if ledger_type == "points" else people["李四"]
    result = ledger_import(
        ledger_type=ledger_type,
        data=csv_bytes(rows),
        filename="ledger.csv",
        organization=agency,
        user=importer,
    )
    assert result.errors == []
    records = list(model.objects.all())
    assert len(records) == result.created == len(rows) - 1

    found = entries(model._meta.label_lower, [record.pk for record in records])
    assert sorted(int(entry.object_id) for entry in found) == sorted(record.pk for record in records)
    assert {entry.actor_id for entry in found} == {importer.pk}
    if hasattr(model, "history"):
        assert all([r.history_type for r in record.history.all()] == ["+"] for record in records)
    call_command("audit_verify")


def test_the_count_rows_agree_with_the_records_after_a_secretarys_import(agency, people):
    # Written in bulk from plain values, the records and their attendance still make the same
    # monthly and per-person counts as `stats_rebuild --verify` works them out from the records.
    result = run(ledger(24), agency, people["王五"])
    assert result.created == 24
    imported = Activity.objects.filter(organization=agency, imported=True)
    assert imported.filter(status=Activity.Status.APPROVED).count() == 24
    assert ActivityMonthStat.objects.filter(organization=agency, year=2022).exists()
    assert PersonYearStat.objects.filter(person=people["张三"], year=2022).exists()
    assert stats_verify() == []
