"""Browser uploads (`ImportBatch`): kept once checked, for their preview and confirmation, then
imported, and the records they brought reviewed together.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import scope_paths, scope_q

from ..models import Activity, ImportBatch
from .core import ImportResult
from .engine import ledger_import


def import_batch_create(*, organization: Organization, ledger_type: str, filename: str, data: bytes, by):
    """Keep an upload, checked once, for its preview and confirmation; the user's stale uploads are
    dropped. An imported upload stays while records it brought still wait for review: they are
    reviewed by it. A large upload is checked by a background task when there are tasks
    (activities/imports/tasks.py); its preview waits for it."""
    from .tasks import import_batch_enqueue, import_in_background

    with transaction.atomic():
        ImportBatch.objects.filter(created_by=by).filter(
            Q(imported_at__isnull=False) | Q(created_at__lt=timezone.now() - datetime.timedelta(days=1))
        ).exclude(activities__status=Activity.Status.SUBMITTED).delete()
        batch = ImportBatch.objects.create(
            organization=organization,
            ledger_type=ledger_type,
            filename=filename[:255],
            data=data,
            created_by=by,
            status=ImportBatch.Status.CHECKING
            if import_in_background(len(data))
            else ImportBatch.Status.READY,
        )
    # Queued once the row is committed, so that a worker finds it (as reports/tasks.py does).
    if batch.status == ImportBatch.Status.CHECKING:
        import_batch_enqueue(batch=batch)
    else:
        import_batch_check(batch=batch)
    batch.refresh_from_db()
    return batch


def import_batch_check(*, batch, progress=None) -> ImportResult:
    """Check the upload once and keep what its preview shows; a refused file is dropped, never read again."""
    result = _ledger_import(
        batch,
        user=batch.created_by,
        dry_run=True,
        progress=progress,
    )
    batch.preview = result.as_preview()
    batch.status = ImportBatch.Status.READY
    batch.total = result.total_rows
    fields = ["preview", "status", "total"]
    if not result.ok:
        batch.data = b""
        fields.append("data")
    batch.save(update_fields=fields)
    return result


def import_batches_waiting(user):
    """Recorders' imports whose records wait for this secretary's review, with how many wait."""
    paths = scope_paths(user, Role.SECRETARY)
    if not paths:
        return []
    submitted = Q(activities__status=Activity.Status.SUBMITTED, activities__deleted_at__isnull=True)
    return list(
        ImportBatch.objects.filter(scope_q(user, "organization", Role.SECRETARY), imported_at__isnull=False)
        .annotate(waiting=Count("activities", filter=submitted))
        .filter(waiting__gt=0)
        .select_related("organization", "created_by")
        .order_by("-imported_at")
    )


def import_batch_approve(*, batch, by) -> int:
    """Approve every record of the upload that waits for review, each through `activity_approve`."""
    from ..services.activity import activity_approve

    waiting = Activity.objects.filter(
        import_batch=batch, status=Activity.Status.SUBMITTED, deleted_at__isnull=True
    ).select_related("organization")
    approved = 0
    with transaction.atomic():
        for activity in waiting:
            activity_approve(activity=activity, by=by)
            approved += 1
    return approved


def import_batch_result(*, batch) -> ImportResult | None:
    """The stored check of the upload; None while it is still being checked."""
    return None if batch.preview is None else ImportResult.from_preview(batch.preview)


def import_batch_confirm(*, batch, by, progress=None) -> ImportResult | None:
    """Import a previewed upload; None when it was imported already (a second click, another tab).

    An upload whose check found problems is not read again: its stored check is the answer. Either
    way the rows are written and the upload marked imported in one transaction (ledger_import). In
    the request, the upload's row stays locked throughout, so that a second click waits and finds
    it imported. A background import (`progress` given) was claimed by `import_batch_enqueue`,
    which no second click passes; its rows are checked outside the transaction, so that others see
    its progress, and only written inside it.
    """
    if progress is not None:
        batch = ImportBatch.objects.select_related("organization").get(pk=batch.pk)
        return _confirm(batch, by, progress)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("organization").get(pk=batch.pk)
        return _confirm(batch, by, None)


def _confirm(batch, by, progress) -> ImportResult | None:
    if batch.imported_at is not None:
        return None
    stored = import_batch_result(batch=batch)
    if stored is None or not stored.ok:
        return stored
    result = _ledger_import(
        batch,
        user=by,
        batch=batch,
        progress=progress,
    )
    if not result.ok:
        # The agency changed since the check (a person left, a record was added): keep the new answer.
        batch.preview = result.as_preview()
        batch.status = ImportBatch.Status.READY
        batch.save(update_fields=["preview", "status"])
    return result


def _ledger_import(upload, /, **options) -> ImportResult:
    """`ledger_import` of the upload's file, for the organization it was uploaded for."""
    return ledger_import(
        ledger_type=upload.ledger_type,
        data=bytes(upload.data),
        filename=upload.filename,
        organization=upload.organization,
        **options,
    )
