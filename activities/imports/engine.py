"""The all-or-nothing run of an import (docs/design.md §7), for the `import_ledger` command and the
browser upload alike: read the file, check EVERY row and collect each problem as (row as the user sees
it, column header as written, problem), and write nothing unless all rows are good; then write all rows
in one transaction.
"""

import hashlib

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization, Role, RoleAssignment, User
from studyportal.audit.services import audit_batch, model_label

from ..models import ImportBatch
from .core import PREVIEW_ROWS, PROGRESS_EVERY, ImportIssue, ImportResult, _Row
from .ledger import Column, LedgerError, read_ledger
from .rules import IMPORTERS, import_refusal


def unknown_columns_warning(unknown: list[str], columns: list[Column]) -> str:
    return _(
        "These columns are not read and their values will not be imported: %(unknown)s. "
        "If one of them holds data the portal keeps, rename its header to one of: %(known)s."
    ) % {
        "unknown": "、".join(f"「{header}」" for header in unknown),
        "known": "、".join(column.label for column in columns),
    }


class OrganizationNotFound(LookupError):
    pass


def find_organization(text: str, queryset=None) -> Organization:
    """An agency or branch by its code or full name (as `--org` and ledgers give it)."""
    text = (text or "").strip()
    queryset = Organization.objects.all() if queryset is None else queryset
    organization = queryset.filter(Q(code=text) | Q(name=text)).first()
    if organization is None:
        raise OrganizationNotFound(
            _(
                "No organization with the code or name “%(org)s”. Check --org, or add the organization "
                "first (python manage.py add_org)."
            )
            % {"org": text}
        )
    return organization


def default_user(organization):
    """The nearest admin above the organization, else a superuser: the import is recorded as theirs."""
    parts = organization.path.strip("/").split("/")
    ancestors = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    assignment = (
        RoleAssignment.objects.filter(role=Role.ADMIN, organization__path__in=ancestors, user__is_active=True)
        .select_related("user")
        .order_by(Length("organization__path").desc(), "user_id")
        .first()
    )
    if assignment is not None:
        return assignment.user
    return User.objects.filter(Q(is_superuser=True), is_active=True).order_by("id").first()


def ledger_import(
    *,
    ledger_type: str,
    data: bytes,
    filename: str,
    organization: Organization,
    user,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    progress=None,
) -> ImportResult:
    """Check every row of the file; unless one is bad, write them all (or, for a dry run, only count).

    The audit entries of the rows written are closed by one entry naming the file (its name and
    sha256), the browser upload (`batch`) if any, the counts and the ids of every record created.
    An upload is marked imported in the transaction that writes its rows: both happen, or neither.
    `progress(done, total)`, if given, is told how many rows have been checked, every
    PROGRESS_EVERY rows; it is called outside any transaction this function opens.
    """
    importer = IMPORTERS[ledger_type](organization=organization, user=user)
    result = ImportResult(ledger_type=ledger_type, dry_run=dry_run)
    importer.batch = batch
    importer.dry_run = dry_run
    if importer.agency is None:
        result.errors.append(ImportIssue(None, "", _("Choose an agency or one of its Party branches.")))
        return result
    refusal = import_refusal(user=user, organization=organization, ledger_type=ledger_type)
    if refusal:
        result.errors.append(ImportIssue(None, "", refusal))
        return result
    try:
        ledger = read_ledger(data, filename, importer.columns)
    except LedgerError as exc:
        result.errors.append(ImportIssue(exc.row, exc.column, exc.message))
        return result
    if ledger.unknown:
        result.warnings.append(unknown_columns_warning(ledger.unknown, importer.columns))
    order = [column.key for column in ledger.columns]
    result.headers = [ledger.headers[key] for key in order]
    columns = {column.key: column for column in importer.columns}
    importer.prepare(ledger)
    total = len(ledger.rows)
    cleaned = []
    parsed = {}
    for done, ledger_row in enumerate(ledger.rows, start=1):
        row = _Row(ledger_row, ledger.headers, columns, result.errors, parsed)
        cleaned.append((row, importer.clean(row)))
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    importer.check_together(cleaned)
    # Only the rows a preview shows: every problem is in `errors`, and 100,000 preview rows of
    # cells cost hundreds of megabytes for nothing.
    result.rows = [row.preview(order) for row, _item in cleaned[:PREVIEW_ROWS]]
    result.total_rows = len(cleaned)
    result.errors.sort(key=lambda issue: issue.row or 0)
    if not cleaned:
        result.errors.append(ImportIssue(None, "", _("The file has no rows below the header row.")))
    if result.errors:
        return result
    items = [item for _row, item in cleaned]
    del cleaned
    if dry_run and not importer.dry_run_writes:
        _write(importer, items, result)
        return result
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        with audit_batch(
            model=model_label(ImportBatch),
            object_id=batch.pk if batch is not None else digest,
            object_repr=filename,
            by=user,
            discard=dry_run,
        ) as about:
            _write(importer, items, result)
            importer.finish()
            about.update(
                file=filename,
                sha256=digest,
                bytes=len(data),
                ledger_type=ledger_type,
                organization=organization.pk,
                batch=batch.pk if batch is not None else None,
                rows=len(items),
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                records=importer.created_ids,
            )
        if dry_run:
            # The counts come from doing the work; rolling it back leaves the database as it was.
            transaction.set_rollback(True)
        elif batch is not None:
            ImportBatch.objects.filter(pk=batch.pk).update(
                imported_at=timezone.now(),
                data=b"",
                status=ImportBatch.Status.READY,
                preview=result.as_preview(),
            )
    return result


def _write(importer, items: list, result: ImportResult) -> None:
    """Write (or, in a dry run that writes nothing, count) every row, counting each outcome."""
    importer.before_write(items)
    for item in items:
        outcome = importer.write(item)
        setattr(result, outcome, getattr(result, outcome) + 1)
