"""Large imports in the background (issue 13, finding 3): with TASKS_BACKEND, an upload past
IMPORT_BACKGROUND_BYTES is checked and imported by a task on the "imports" queue, writing its
progress, while its page refreshes itself; the outcome is the same stored preview and the same
all-or-nothing import as in the request."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from activities.imports import activities as activities_ledger
from activities.imports import engine as importers
from activities.models import Activity, ImportBatch
from studyportal.audit.models import AuditEntry
from tests.reports.test_export_background import database_tasks, switch_tasks_on  # noqa: F401 (a fixture)

from .test_import_activities import GOOD, model_counts
from .test_import_views import post_file
from .test_ledger import csv_bytes

FAILED_TEXT = "没有导入任何内容"  # in the page's message when a task failed


@pytest.fixture
def people(staff, recorder, secretary, leader):
    return [staff, recorder, secretary, leader]


@pytest.fixture
def immediate_imports(settings):
    switch_tasks_on(settings, "immediate")
    settings.IMPORT_BACKGROUND_BYTES = 100  # the five rows of GOOD count as a large file


@pytest.fixture
def database_imports(transactional_db, request, settings):
    """The export tests' database backend and its table, committed for real, as `db_worker` sees it."""
    table = request.getfixturevalue("database_tasks")
    settings.IMPORT_BACKGROUND_BYTES = 100
    return table


def run_worker():
    call_command(
        "db_worker", batch=True, queue_name="imports", startup_delay=False, reload=False, verbosity=0
    )


def test_without_tasks_a_large_file_is_still_checked_in_the_request(
    client_for, recorder, agency, people, settings
):
    settings.IMPORT_BACKGROUND_BYTES = 100
    client = client_for(recorder)
    client.get(post_file(client, agency, csv_bytes(GOOD))["Location"])
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.READY and batch.preview["total_rows"] == 5


def test_a_large_file_is_checked_by_a_worker_while_its_page_shows_the_progress(
    database_imports, client_for, recorder, agency, people
):
    client = client_for(recorder)
    before = model_counts()
    location = post_file(client, agency, csv_bytes(GOOD))["Location"]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.preview) == (ImportBatch.Status.CHECKING, None)
    queued = database_imports.objects.get()
    assert queued.queue_name == "imports"

    # Until the worker has run, the page says so and refreshes itself: htmx polls the status block,
    # and without JavaScript a meta refresh reloads the page.
    html = client.get(location).content.decode()
    assert 'id="import-progress"' in html and 'hx-trigger="every 2s"' in html
    assert '<meta http-equiv="refresh"' in html and "后台" in html and "确认导入" not in html
    fragment = client.get(location, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="import-progress"')
    assert "正在读取文件" in fragment.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(progress=2, total=5)  # as the task writes it
    fragment = client.get(location, headers={"HX-Request": "true"}).content.decode()
    assert "已检查 2 行，共 5 行" in fragment and '<progress class="w-100 mb-1" max="5" value="2"' in fragment
    # The user cannot confirm a file whose check has not finished.
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert database_imports.objects.count() == 1

    run_worker()

    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.total) == (ImportBatch.Status.READY, 5, 5)
    assert batch.preview["total_rows"] == 5 and batch.preview["created"] == 5
    assert model_counts() == before  # the check writes nothing
    # The poll that finds the check done loads the whole page, which is the usual preview.
    done = client.get(location, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == location
    html = client.get(location).content.decode()
    assert "确认导入" in html and "将新增 5 条" in html and "import-progress" not in html

    # Confirming queues the import; the page follows it, then the worker writes every record.
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response["Location"] == location
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING
    assert (
        "正在导入" in client.get(location).content.decode() or "后台" in client.get(location).content.decode()
    )
    client.post(reverse("imports:confirm", args=[batch.pk]))  # a second click queues nothing
    assert database_imports.objects.filter(status="READY").count() == 1

    run_worker()

    batch.refresh_from_db()
    assert batch.imported_at is not None and batch.status == ImportBatch.Status.READY
    assert Activity.objects.filter(organization=agency, import_batch=batch, recorded_by=recorder).count() == 5
    page = client.get(location, follow=True)
    assert "已导入 5 行" in page.content.decode()


def test_a_large_file_is_checked_and_imported_by_the_immediate_backend(
    immediate_imports, client_for, recorder, agency, people
):
    client = client_for(recorder)
    location = post_file(client, agency, csv_bytes(GOOD))["Location"]
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.progress, batch.total) == (ImportBatch.Status.READY, 5, 5)
    assert "将新增 5 条" in client.get(location).content.decode()
    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert "已导入 5 行" in response.content.decode()
    assert Activity.objects.filter(import_batch=batch).count() == 5


def test_a_failed_import_task_leaves_nothing_written_and_says_so_in_chinese(
    immediate_imports, client_for, recorder, agency, people, monkeypatch
):
    client = client_for(recorder)
    location = post_file(client, agency, csv_bytes(GOOD))["Location"]
    batch = ImportBatch.objects.get()
    before, entries = model_counts(), AuditEntry.objects.count()

    def broken(**kwargs):  # fails after the activities have been inserted
        raise RuntimeError("disk full")

    monkeypatch.setattr(activities_ledger, "stats_rebuild", broken)
    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.imported_at is None
    assert "RuntimeError: disk full" in batch.error
    assert model_counts() == before and AuditEntry.objects.count() == entries
    html = response.content.decode()
    assert FAILED_TEXT in html and "disk full" not in html
    assert "确认导入" in html  # the stored check is still there: the user may try again

    monkeypatch.undo()
    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert "已导入 5 行" in response.content.decode()
    assert Activity.objects.filter(import_batch=batch).count() == 5
    assert client.get(location).status_code == 302


def test_a_failed_check_task_says_so_and_the_file_is_uploaded_again(
    immediate_imports, client_for, recorder, agency, people, monkeypatch
):
    client = client_for(recorder)

    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(importers, "read_ledger", broken)
    response = post_file(client, agency, csv_bytes(GOOD))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.preview is None
    page = client.get(response["Location"], follow=True)
    assert FAILED_TEXT in page.content.decode()
    assert page.redirect_chain[-1][0] == reverse("imports:upload")


def test_the_check_counts_new_activities_without_writing_them(
    client_for, recorder, agency, people, monkeypatch
):
    """The dry run of an activities ledger inserts nothing only to roll it back."""
    from django.db.models import Model
    from django.db.models.query import QuerySet

    def refuse(*args, **kwargs):
        raise AssertionError("the check wrote to the database")

    monkeypatch.setattr(QuerySet, "bulk_create", refuse)
    monkeypatch.setattr(Model, "save", refuse)
    result = importers.ledger_import(
        ledger_type="activities",
        data=csv_bytes(GOOD),
        filename="台账.csv",
        organization=agency,
        user=recorder,
        dry_run=True,
    )
    assert result.ok and (result.created, result.total_rows) == (5, 5)
