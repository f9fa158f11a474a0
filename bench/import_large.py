"""A large activities ledger through the browser import's services (issue 13, finding 3; docs/imports.md):

    DATABASE_URL=postgres://… python -m bench.import_large [--rows 100000]

Seeds the demo (idempotent) into DATABASE_URL, writes a CSV of ROWS activities (日期, 类型, 主题, 地点,
时长, 备注) for the demo agency, then, as a recorder of it, times the check (import_batch_check, what
the "imports" task runs on upload) and the import (import_batch_confirm as the task runs it, with
its progress), and prints the process's peak resident memory after each (VmHWM; the import's
figure includes the check's). Everything is rolled back at the end.
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

from bench.run import peak_rss_mb

KINDS = ("每周理论学习", "主题党日", "支部委员会会议", "志愿服务", "观影")


def ledger_csv(rows: int) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(["日期", "类型", "主题", "地点", "时长", "备注"])
    for number in range(rows):
        day = f"2022-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
        writer.writerow(
            [
                day,
                KINDS[number % len(KINDS)],
                f"专题学习第{number}次",
                "三楼会议室",
                "2",
                f"批量导入测试{number}",
            ]
        )
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studyportal.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import translation

    from activities.imports.batches import import_batch_check, import_batch_confirm
    from activities.models import Activity, ImportBatch
    from studyportal.accounts.models import Organization, Role, RoleAssignment

    translation.activate("zh-hans")
    call_command("seed_demo", verbosity=0)
    agency = Organization.objects.get(code="gongxinju")
    recorder = (
        RoleAssignment.objects.filter(organization=agency, role=Role.RECORDER)
        .select_related("user")
        .first()
        .user
    )
    data = ledger_csv(args.rows)
    print(f"{args.rows} rows, {len(data) / 1e6:.1f} MB CSV, {connection.vendor}")
    print(f"peak RSS at start {peak_rss_mb():.0f} MB")
    updates = []

    def progress(done, total):
        updates.append(done)
        ImportBatch.objects.filter(pk=batch.pk).update(progress=done, total=total)

    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organization=agency,
            ledger_type="activities",
            filename="bench.csv",
            data=data,
            created_by=recorder,
            status=ImportBatch.Status.CHECKING,
        )
        started = time.perf_counter()
        result = import_batch_check(batch=batch, progress=progress)
        print(
            f"check:  {time.perf_counter() - started:6.1f} s, peak RSS {peak_rss_mb():.0f} MB, "
            f"ok={result.ok}, {result.created} to add, {len(updates)} progress updates, "
            f"stored preview {len(str(batch.preview)) / 1e3:.0f} KB"
        )
        updates.clear()
        batch.status = ImportBatch.Status.IMPORTING
        batch.save(update_fields=["status"])
        started = time.perf_counter()
        result = import_batch_confirm(batch=batch, by=recorder, progress=progress)
        batch.refresh_from_db()
        print(
            f"import: {time.perf_counter() - started:6.1f} s, peak RSS {peak_rss_mb():.0f} MB, "
            f"ok={result.ok}, {result.created} added, {len(updates)} progress updates, "
            f"{Activity.objects.filter(import_batch=batch).count()} activities written, "
            f"imported={batch.imported_at is not None}"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
