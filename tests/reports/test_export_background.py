"""The year's Excel ledger as a background export (docs/scaling.md), with each tasks backend the
settings offer: POST starts it, the status page follows it, only the person who asked downloads it."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from reports.exporters.xlsx import ledger_workbook
from reports.models import ExportJob
from reports.tasks import export_ledger
from reports.views.exports import FAILED_MESSAGE
from studyportal.accounts.models import Role, RoleAssignment
from studyportal.spreadsheet import XLSX_CONTENT_TYPE
from tests.factories import ActivityFactory
from tests.test_scaling_settings import run_portal

YEAR = 2022
# As studyportal/settings.py sets them from TASKS_BACKEND.
BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def switch_tasks_on(settings, backend: str) -> None:
    settings.TASKS_BACKEND = backend
    settings.INSTALLED_APPS = [
        *settings.INSTALLED_APPS,
        "django_tasks",
        *(["django_tasks_db"] if backend == "database" else []),
    ]
    settings.TASKS = {"default": {"BACKEND": BACKENDS[backend], "QUEUES": ["default", "exports", "imports"]}}


@pytest.fixture
def immediate_tasks(settings):
    switch_tasks_on(settings, "immediate")


@pytest.fixture
def database_tasks(transactional_db, settings):
    """The database backend with its table, committed for real (the worker runs outside the test's
    transaction, as `manage.py db_worker` would)."""
    switch_tasks_on(settings, "database")
    from django_tasks_db.models import DBTaskResult

    with connection.schema_editor() as editor:
        editor.create_model(DBTaskResult)
    yield DBTaskResult
    with connection.schema_editor() as editor:
        editor.delete_model(DBTaskResult)
    # Installing the app ran the admin's autodiscovery, which registered the task table in the
    # global admin site; left there, the admin index would look for an app no longer installed.
    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)


def ledger_url(org=None, year=YEAR):
    return reverse("exports:xlsx", args=[year]) + (f"?org={org}" if org else "")


def expected_sheets(agency) -> list[str]:
    stream = io.BytesIO()
    ledger_workbook(organizations=agency.subtree(), year=YEAR, stream=stream)
    stream.seek(0)
    return openpyxl.load_workbook(stream, read_only=True).sheetnames


def downloaded_workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def some_activities(branch, secretary):
    for day in (3, 4):
        ActivityFactory(organization=branch, date=datetime.date(YEAR, 5, day), recorded_by=secretary)


def make_job(user, organization, **fields) -> ExportJob:
    return ExportJob.objects.create(user=user, organization=organization, year=YEAR, **fields)


def done_job(user, organization) -> ExportJob:
    job = make_job(user, organization, status=ExportJob.Status.DONE)
    job.file.save("ledgers-2022.xlsx", ContentFile(b"not really a workbook"))
    return job


# --- without a tasks backend nothing changes ------------------------------------------------------


def test_without_a_tasks_backend_the_ledger_is_streamed_and_nothing_is_queued(client_for, secretary):
    client = client_for(secretary)
    response = client.get(ledger_url())
    assert response.streaming and response["Content-Type"] == XLSX_CONTENT_TYPE
    assert client.post(ledger_url()).status_code == 405
    assert not ExportJob.objects.exists()


# --- the whole flow, run in the request (TASKS_BACKEND=immediate) ---------------------------------


def test_the_secretary_prepares_the_ledger_and_downloads_it(immediate_tasks, secretary, agency, branch):
    some_activities(branch, secretary)
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)

    page = client.get(ledger_url(agency.code))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'method="post"' in html and 'id="export-start"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    started = client.post(ledger_url(agency.code), {"csrfmiddlewaretoken": token})
    # A browser's form post is sent on to the status page, which a reload does not post again.
    assert started.status_code == 303
    job = ExportJob.objects.get()
    assert started["Location"] == reverse("exports:job", args=[job.pk])
    assert (job.user, job.organization, job.year, job.status) == (secretary, agency, YEAR, "done")
    assert job.task_id and job.started_at and job.finished_at

    status = client.get(started["Location"])
    assert status.status_code == 200
    download_url = reverse("exports:job_download", args=[job.pk])
    assert f'href="{download_url}"' in status.content.decode()

    book = downloaded_workbook(client.get(download_url))
    assert book.sheetnames == expected_sheets(agency)
    assert book.worksheets[0].max_row == 3  # the header and the two activities


def test_the_file_is_stored_in_the_default_storage_under_a_path_nobody_can_guess(
    immediate_tasks, client_for, secretary, agency
):
    client_for(secretary).post(ledger_url())
    first = ExportJob.objects.get()
    first.status = ExportJob.Status.FAILED  # so that the next post starts another
    first.save()
    client_for(secretary).post(ledger_url())
    second = ExportJob.objects.exclude(pk=first.pk).get()
    for job in (first, second):
        assert default_storage.exists(job.file.name)
        folder, name = job.file.name.split("/")
        assert folder == "exports" and len(name) == len("x" * 32 + ".xlsx")
        assert agency.code not in name and str(YEAR) not in name
    assert first.file.name != second.file.name
    assert len(str(first.pk)) == 36  # a random UUID in the status URL, not a counter


def test_a_client_asking_for_json_gets_202_and_the_status_url(immediate_tasks, client_for, secretary):
    client = client_for(secretary)
    response = client.post(ledger_url(), headers={"Accept": "application/json"})
    assert response.status_code == 202
    job = ExportJob.objects.get()
    status_url = reverse("exports:job", args=[job.pk])
    assert response["Location"] == status_url
    assert response.json() == {
        "id": str(job.pk),
        "status": "done",
        "status_url": status_url,
        "download_url": reverse("exports:job_download", args=[job.pk]),
    }
    assert client.get(status_url, headers={"Accept": "application/json"}).json()["status"] == "done"


def test_posting_without_the_csrf_token_is_refused(immediate_tasks, secretary):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)
    assert client.post(ledger_url()).status_code == 403
    assert not ExportJob.objects.exists()


def test_a_second_click_while_the_export_is_unfinished_follows_the_same_one(
    immediate_tasks, client_for, secretary, agency
):
    running = make_job(secretary, agency, status=ExportJob.Status.RUNNING)
    response = client_for(secretary).post(ledger_url())
    assert response["Location"] == reverse("exports:job", args=[running.pk])
    assert ExportJob.objects.count() == 1


def test_an_export_lost_for_over_an_hour_does_not_block_a_new_one(
    immediate_tasks, client_for, secretary, agency
):
    lost = make_job(secretary, agency, status=ExportJob.Status.RUNNING)
    ExportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    response = client_for(secretary).post(ledger_url())
    assert response["Location"] != reverse("exports:job", args=[lost.pk])
    assert ExportJob.objects.filter(status=ExportJob.Status.DONE).count() == 1


def test_the_export_page_lists_the_persons_recent_exports(immediate_tasks, client_for, secretary, agency):
    mine = make_job(secretary, agency, status=ExportJob.Status.FAILED)
    page = client_for(secretary).get(ledger_url()).content.decode()
    assert reverse("exports:job", args=[mine.pk]) in page


def test_a_failed_export_says_so_and_offers_to_try_again(immediate_tasks, client_for, secretary, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reports.tasks.ledger_workbook", broken)
    client = client_for(secretary)
    response = client.post(ledger_url(), follow=True)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "RuntimeError: disk full"  # for the administrator, not shown to the user
    page = response.content.decode()
    assert 'id="export-failed"' in page and "disk full" not in page
    assert f'action="{ledger_url()}?org=' in page or f'action="{reverse("exports:xlsx", args=[YEAR])}' in page
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404


def test_the_failure_message_is_in_the_readers_language(immediate_tasks, client_for, secretary, monkeypatch):
    monkeypatch.setattr("reports.tasks.ledger_workbook", lambda **kwargs: 1 / 0)
    client = client_for(secretary)
    response = client.post(ledger_url(), follow=True, headers={"Accept-Language": "zh-hans"})
    failed = re.search(r'id="export-failed">([^<]+)<', response.content.decode()).group(1)
    with translation.override("zh-hans"):
        assert failed == escape(FAILED_MESSAGE)


def test_the_task_checks_the_scope_again_when_it_runs(immediate_tasks, secretary, agency):
    job = make_job(secretary, agency)
    RoleAssignment.objects.filter(user=secretary).delete()
    export_ledger.using(queue_name="exports").enqueue(str(job.pk))
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file


def test_while_unfinished_the_status_page_refreshes_itself(immediate_tasks, client_for, secretary, agency):
    job = make_job(secretary, agency)
    client = client_for(secretary)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page  # without JavaScript
    assert 'hx-trigger="every 2s"' in page
    fragment = client.get(reverse("exports:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="export-job"')
    job.status = ExportJob.Status.DONE
    job.save()
    finished = client.get(reverse("exports:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.content.decode()  # polling stops


# --- who may see what ------------------------------------------------------------------------------


JOB_URLS = ["exports:job", "exports:job_download"]


@pytest.mark.parametrize("name", JOB_URLS)
def test_anyone_but_the_person_who_asked_gets_404(
    immediate_tasks, client, secretary, admin_user, committee_admin, outsider, agency, name
):
    job = done_job(secretary, agency)
    url = reverse(name, args=[job.pk])
    # The agency's administrator and the committee see the agency's ledgers, but not this file.
    for other in (admin_user, committee_admin, outsider):
        client.force_login(other)
        assert client.get(url).status_code == 404, other
    client.force_login(secretary)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", JOB_URLS)
def test_logged_out_people_are_sent_to_log_in(immediate_tasks, client, secretary, agency, name):
    job = done_job(secretary, agency)
    response = client.get(reverse(name, args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_logged_out_people_may_not_start_an_export(immediate_tasks, client, db):
    response = client.post(ledger_url("agency"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(("name", "method"), [("exports:job", "post"), ("exports:job_download", "post")])
def test_the_status_and_the_download_only_answer_get(
    immediate_tasks, client_for, secretary, agency, name, method
):
    job = done_job(secretary, agency)
    assert getattr(client_for(secretary), method)(reverse(name, args=[job.pk])).status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_ledger_answers_only_get_and_post(immediate_tasks, client_for, secretary, method):
    assert getattr(client_for(secretary), method)(ledger_url()).status_code == 405


def test_staff_may_not_start_the_ledger_which_names_people(immediate_tasks, client_for, staff):
    assert client_for(staff).post(ledger_url()).status_code == 403
    assert not ExportJob.objects.exists()


def test_another_agency_may_not_start_ours(immediate_tasks, client_for, outsider, agency):
    assert client_for(outsider).post(ledger_url(agency.code)).status_code == 404


def test_a_secretary_who_became_staff_no_longer_downloads(immediate_tasks, client_for, secretary, agency):
    job = done_job(secretary, agency)
    RoleAssignment.objects.filter(user=secretary).update(role=Role.STAFF)
    assert client_for(secretary).get(reverse("exports:job_download", args=[job.pk])).status_code == 403


def test_a_file_not_yet_written_is_not_found(immediate_tasks, client_for, secretary, agency):
    job = make_job(secretary, agency, status=ExportJob.Status.RUNNING)
    assert client_for(secretary).get(reverse("exports:job_download", args=[job.pk])).status_code == 404


def test_the_committee_admin_exports_the_whole_county(
    immediate_tasks, client_for, committee_admin, committee
):
    response = client_for(committee_admin).post(ledger_url(committee.code), follow=True)
    job = ExportJob.objects.get()
    assert job.organization == committee and job.status == ExportJob.Status.DONE
    assert response.status_code == 200


# --- TASKS_BACKEND=database: queued, then run by `manage.py db_worker` ---------------------------


def test_the_database_backend_queues_the_export_and_the_worker_writes_it(
    database_tasks, client_for, secretary, agency, branch
):
    some_activities(branch, secretary)
    client = client_for(secretary)
    response = client.post(ledger_url())
    job = ExportJob.objects.get()
    assert response.status_code == 303
    assert job.status == ExportJob.Status.WAITING
    queued = database_tasks.objects.get()
    assert (str(queued.id), queued.queue_name, queued.status) == (job.task_id, "exports", "READY")
    assert (
        client.get(response["Location"], headers={"Accept": "application/json"}).json()["status"] == "waiting"
    )
    assert client.get(reverse("exports:job_download", args=[job.pk])).status_code == 404

    call_command(
        "db_worker", batch=True, queue_name="exports", startup_delay=False, reload=False, verbosity=0
    )

    job.refresh_from_db()
    queued.refresh_from_db()
    assert (job.status, queued.status) == (ExportJob.Status.DONE, "SUCCESSFUL")
    book = downloaded_workbook(client.get(reverse("exports:job_download", args=[job.pk])))
    assert book.sheetnames == expected_sheets(agency)


# --- cleaning up ---------------------------------------------------------------------------------


def test_prune_exports_deletes_old_exports_and_their_files(secretary, agency):
    old, recent = done_job(secretary, agency), done_job(secretary, agency)
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(hours=25))
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "1 " in out.getvalue()
    assert list(ExportJob.objects.all()) == [recent]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(recent.file.name)


@pytest.mark.slow  # a child interpreter
def test_a_portal_booted_with_the_database_backend_runs_the_export_in_its_worker(tmp_path):
    # As a deployment starts it: the settings read TASKS_BACKEND from the environment, `migrate`
    # creates the task table, and `db_worker` is a separate step from the request that queued.
    out = run_portal(
        """
        import io
        import openpyxl
        from django.test import Client
        from reports.models import ExportJob
        from studyportal.accounts.models import Organization, Role, RoleAssignment, User

        call_command("migrate", verbosity=0)
        agency = Organization.objects.create(code="a1", name="测试局", kind="agency")
        secretary = User.objects.create(username="sec", real_name="王五", agency=agency)
        RoleAssignment.objects.create(user=secretary, organization=agency, role=Role.SECRETARY)
        client = Client()
        client.force_login(secretary, backend="django.contrib.auth.backends.ModelBackend")

        started = client.post("/reports/2022/export.xlsx")
        assert started.status_code == 303, started.status_code
        assert ExportJob.objects.get().status == "waiting"
        call_command("db_worker", batch=True, queue_name="exports", startup_delay=False, verbosity=0)
        job = ExportJob.objects.get()
        assert job.status == "done", (job.status, job.error)
        download = client.get(f"/reports/exports/{job.pk}/download/")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        direct = client.get("/reports/2022/export.xlsx")  # the page that offers to prepare it
        assert direct.status_code == 200 and b"export-start" in direct.content
        assert book.sheetnames and book.sheetnames[0] == "领学", book.sheetnames
        print("ledger ok")
        """,
        tmp_path,
        TASKS_BACKEND="database",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert "ledger ok" in out


def test_the_administrator_sees_the_exports_in_the_admin(client, django_user_model, secretary, agency):
    make_job(secretary, agency, status=ExportJob.Status.FAILED, error="RuntimeError: disk full")
    client.force_login(
        django_user_model.objects.create_superuser(
            "root", password="x-long-password-1", real_name="超级管理员"
        )
    )
    response = client.get(reverse("admin:reports_exportjob_changelist"))
    assert response.status_code == 200
    assert "测试局" in response.content.decode()


def test_an_export_that_cannot_be_queued_is_shown_as_failed(
    immediate_tasks, client_for, secretary, monkeypatch
):
    monkeypatch.setattr("reports.tasks.EXPORTS_QUEUE", "no-such-queue")
    response = client_for(secretary).post(ledger_url(), follow=True)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and job.error.startswith("not queued")
    assert 'id="export-failed"' in response.content.decode()


def test_the_status_page_costs_the_same_queries_whatever_the_export(
    immediate_tasks, client_for, secretary, agency, django_assert_num_queries
):
    job = done_job(secretary, agency)
    client = client_for(secretary)
    # session, user, the export with its organization, the user's roles, the scope check, and the
    # user's agency for the navigation
    with django_assert_num_queries(6):
        assert client.get(reverse("exports:job", args=[job.pk])).status_code == 200
