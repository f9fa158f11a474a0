"""Large ledger imports as background tasks (docs/imports.md, docs/scaling.md), as reports/tasks.py
runs long exports: the `ImportBatch` row is the portal's record of the upload and what its preview
page reads; django-tasks only carries the batch's id to whatever runs it (`manage.py db_worker
--queue-name imports` with TASKS_BACKEND=database, the request itself with TASKS_BACKEND=immediate).

The task runs the same service as the request would (import_batch_check, import_batch_confirm), so
the permissions, the stored preview and the all-or-nothing write cannot differ; it only adds the
progress the page shows.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from ..models import ImportBatch

logger = logging.getLogger(__name__)

IMPORTS_QUEUE = "imports"
# A check or import that has not finished after this long is taken as lost (its worker died).
STALE_AFTER = datetime.timedelta(hours=1)


def import_in_background(size: int) -> bool:
    """Whether an upload of `size` bytes is checked and imported by a task: only with tasks, and only
    past IMPORT_BACKGROUND_BYTES, the size whose check and import fit well inside a worker's timeout."""
    return bool(settings.TASKS_BACKEND) and size > settings.IMPORT_BACKGROUND_BYTES


def import_batch_running(batch) -> bool:
    """Being checked or imported by a task that is not taken as lost."""
    if batch.status not in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING):
        return False
    started = batch.started_at or batch.created_at
    return started >= timezone.now() - STALE_AFTER


def import_batch_enqueue(*, batch) -> bool:
    """Queue the check of a new upload (status CHECKING) or the import of a checked one (READY →
    IMPORTING). The claim is one UPDATE on the batch's row, so a second click queues nothing and
    returns False. Called outside any transaction: the immediate backend runs the task right here."""
    if batch.status == ImportBatch.Status.CHECKING:
        work, claimed = import_check, True
        ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now(), progress=0)
    else:
        work = import_confirm
        claimed = bool(
            ImportBatch.objects.filter(
                # Ready, failed, or lost: a lost import wrote nothing (its transaction never committed).
                Q(status__in=[ImportBatch.Status.READY, ImportBatch.Status.FAILED])
                | Q(started_at__lt=timezone.now() - STALE_AFTER),
                pk=batch.pk,
                imported_at__isnull=True,
            ).update(status=ImportBatch.Status.IMPORTING, started_at=timezone.now(), progress=0, error="")
        )
    if not claimed:
        return False
    try:
        work.using(queue_name=IMPORTS_QUEUE).enqueue(batch.pk)
    except Exception as error:
        logger.exception("Import %s could not be queued", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, error=f"not queued: {error}"[:2000]
        )
    return True


def _run(batch_id: int, status: str, work) -> None:
    batch = ImportBatch.objects.select_related("organization", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != status:
        return  # dropped meanwhile, or already run (a task may be delivered twice)

    def progress(done: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress=done, total=total)

    try:
        if not batch.created_by.is_active:
            raise PermissionDenied(f"{batch.created_by} may no longer import")
        work(batch, progress)
    except Exception as error:
        # The import's rows were written in one transaction, rolled back by now: nothing is left half
        # written. The page says so in Chinese; what went wrong is kept for the logs and the admin.
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise  # the tasks backend records the failure and logs the traceback
    # Nothing left to do (imported already by another tab, or a check that refused the file).
    ImportBatch.objects.filter(pk=batch_id, status=status).update(status=ImportBatch.Status.READY)


# Declared on the default queue and sent to "imports" by `using()`, as reports/tasks.py explains.
@task()
def import_check(batch_id: int) -> None:
    from .batches import import_batch_check

    _run(
        batch_id,
        ImportBatch.Status.CHECKING,
        lambda batch, progress: import_batch_check(batch=batch, progress=progress),
    )


@task()
def import_confirm(batch_id: int) -> None:
    """The import, by the person who uploaded the file: only they may confirm it (views/imports.py)."""
    from .batches import import_batch_confirm

    _run(
        batch_id,
        ImportBatch.Status.IMPORTING,
        lambda batch, progress: import_batch_confirm(batch=batch, by=batch.created_by, progress=progress),
    )
