import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from activities.models import RectificationItem
from studyportal.audit.models import AuditEntry

WRITERS, EACH = 4, 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_unbroken_chain(agency):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time by itself; the race exists on PostgreSQL")
    start = threading.Barrier(WRITERS)
    failures = []

    def write(writer):
        try:
            start.wait()
            for number in range(EACH):
                with transaction.atomic():
                    RectificationItem.objects.create(
                        agency=agency, year=2022, problem=f"问题{writer}-{number}"
                    )
        except Exception as error:  # reported below: an exception in a thread would otherwise vanish
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEntry.objects.filter(model="activities.rectificationitem").count() == WRITERS * EACH
    call_command("audit_verify")
