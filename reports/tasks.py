"""Long exports as background tasks (docs/scaling.md): start one, run it, clean up after it.

The `ExportJob` row is the portal's record of an export and what the status page reads; django-tasks
only carries the job's id to whatever runs it (`manage.py db_worker` with TASKS_BACKEND=database, the
request itself with TASKS_BACKEND=immediate). The task re-checks the person's scope when it runs, and
writes the workbook with the same exporter as the direct download, so the two cannot differ.
"""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from reports.exporters.xlsx import ledger_workbook
from reports.models import ExportJob
from studyportal.accounts.scoping import Role, has_role, orgs_visible_to

logger = logging.getLogger(__name__)

EXPORTS_QUEUE = "exports"
# An export that has not finished after this long is taken as lost (its worker died): asking again
# starts a new one instead of waiting for it.
STALE_AFTER = datetime.timedelta(hours=1)
# How long a finished export stays downloadable (`manage.py prune_exports`, run from cron).
KEEP_FOR = datetime.timedelta(hours=24)


def background_exports_enabled() -> bool:
    return bool(settings.TASKS_BACKEND)


def may_export_ledger(user, organization) -> bool:
    """The ledger names people: the secretary's or administrator's of a scope the user sees."""
    return orgs_visible_to(user).filter(pk=organization.pk).exists() and has_role(
        user, organization, Role.SECRETARY
    )


def export_job_start(*, user, organization, year: int, kind: str = ExportJob.Kind.LEDGER) -> ExportJob:
    """The user's unfinished export of the same ledger (or archive) if there is one, else a new one,
    queued. A second click while a county's ledger is being written does not start a second one.
    """
    with transaction.atomic():
        pending = ExportJob.objects.filter(
            user=user,
            organization=organization,
            year=year,
            kind=kind,
            status__in=[ExportJob.Status.WAITING, ExportJob.Status.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER,
        ).first()
        if pending is not None:
            return pending
        job = ExportJob.objects.create(user=user, organization=organization, year=year, kind=kind)
    # Queued once the row is committed, so that a worker finds it; and outside any transaction, so
    # that the immediate backend, which writes the workbook right here, holds no lock meanwhile.
    task = export_archive if kind == ExportJob.Kind.ARCHIVE else export_ledger
    try:
        result = task.using(queue_name=EXPORTS_QUEUE).enqueue(str(job.pk))
    except Exception as error:
        logger.exception("Export %s could not be queued", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=f"not queued: {error}"[:2000], finished_at=timezone.now()
        )
    else:
        # Only this field: the immediate backend has already written the rest.
        ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def _run(job_id: str, *, suffix: str, write) -> None:
    """Run the job once: re-check the person's scope, `write(job, stream)` to a temporary file, store it."""
    job = ExportJob.objects.select_related("user", "organization").get(pk=job_id)
    if job.status != ExportJob.Status.WAITING:
        return  # already run (a task may be delivered twice)
    job.status = ExportJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        if not job.user.is_active or not may_export_ledger(job.user, job.organization):
            raise PermissionDenied(f"{job.user} may no longer export the ledgers of {job.organization}")
        # Written to a temporary file, then copied to the default storage (S3 in production) in
        # chunks, so the file never sits in memory.
        with tempfile.TemporaryFile(suffix=suffix) as stream:
            write(job, stream)
            stream.seek(0)
            job.file.save(f"{job.kind}-{job.year}{suffix}", File(stream), save=False)
    except Exception as error:
        job.status = ExportJob.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise  # the tasks backend records the failure and logs the traceback
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file", "finished_at"])


# Declared on the default queue and sent to "exports" by `using()`: a module-level task is checked
# against the configured queues when it is declared, and this module is imported with tasks off too.
@task()
def export_ledger(job_id: str) -> None:
    _run(
        job_id,
        suffix=".xlsx",
        write=lambda job, stream: ledger_workbook(
            organizations=job.organization.subtree(), year=job.year, stream=stream
        ),
    )


@task()
def export_archive(job_id: str) -> None:
    """The year's study archive (reports/archive.py), the same zip as the direct download."""
    from reports.archive import write_archive

    _run(
        job_id,
        suffix=".zip",
        write=lambda job, stream: write_archive(organization=job.organization, year=job.year, stream=stream),
    )


def export_jobs_prune(*, older_than: datetime.timedelta) -> int:
    """Deletes the exports asked for more than `older_than` ago, their files first. Returns how many."""
    count = 0
    for job in ExportJob.objects.filter(created_at__lt=timezone.now() - older_than).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
