"""Writes to the audit chain, and the restore of soft-deleted records."""

import datetime
import hashlib
import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .context import audit_actor, current_actor
from .models import AuditEntry, ChainHead

# Never copied into the trail; a change shows as a change without the value.
MASKED_FIELDS = {"password"}
MASK = "******"
CHANGED = "<changed>"  # the "after" of a masked field that changed
# Touched by every save or login, telling nothing about the record itself.
IGNORED_FIELDS = {"updated_at", "last_login"}


def model_label(model) -> str:
    return model._meta.label_lower


def normalised(value):
    """The value as it reads back from a JSON column, so that hashing before and after storing agrees."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(instance, values: dict | None = None) -> dict:
    """Field name → JSON value of a record's own columns (foreign keys as ids, files as names).

    `values` (attname → value, as from `.values()`) is read instead of the instance when given.
    """
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS:
            continue
        value = values[field.attname] if values is not None else getattr(instance, field.attname)
        data[field.name] = MASK if field.name in MASKED_FIELDS else _plain(field, value)
    return normalised(data)


def _plain(field, value):
    """One spelling per value, whether it was read from the database or assigned in code (2 vs 2.0)."""
    if value is None:
        return None
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(field, models.DecimalField):
        return f"{Decimal(str(value)):.{field.decimal_places}f}"
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return value.astimezone(datetime.timezone.utc)
    return value


def canonical(entry: AuditEntry) -> str:
    at = entry.at.astimezone(datetime.timezone.utc).isoformat(timespec="microseconds")
    payload = {
        "seq": entry.seq,
        "at": at,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "model": entry.model,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "action": entry.action,
        "before": entry.before,
        "after": entry.after,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256((entry.prev_hash + canonical(entry)).encode()).hexdigest()


def _build(*, model, object_id, object_repr, action, before, after, by) -> AuditEntry:
    actor = by if by is not None else current_actor()
    return AuditEntry(
        at=timezone.now(),
        actor_id=actor.pk if actor else None,
        actor_name=(str(actor) if actor else "")[:150],
        model=model,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        action=action,
        before=normalised(before) if before is not None else None,
        after=normalised(after) if after is not None else None,
    )


@transaction.atomic
def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    # The head row's lock is held until the surrounding transaction ends, so chains never fork; on
    # SQLite the write lock taken at BEGIN already serialises writers.
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    for entry in entries:
        head.seq += 1
        entry.seq = head.seq
        entry.prev_hash = head.hash
        entry.hash = head.hash = entry_hash(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    head.save(update_fields=["seq", "hash"])
    return entries


def audit_record(*, model: str, object_id, object_repr="", action: str, before=None, after=None, by=None):
    """Appends one entry. The signal handlers call this; so may code auditing something unusual."""
    entry = _build(
        model=model,
        object_id=object_id,
        object_repr=object_repr,
        action=action,
        before=before,
        after=after,
        by=by,
    )
    return _append([entry])[0]


def audit_record_bulk(*, model, objects, action: str, by=None) -> int:
    """Audits rows written by bulk_create / bulk_update / queryset.update, which send no signals.

    (queryset.delete() does send them, one per row, so it needs no help.)

    `objects` are the instances as they now are (create, update) or as they were (delete). Call it in
    the same transaction as the write, so that the rows and their entries commit or roll back together.
    """
    label = model_label(model)
    entries = []
    for obj in objects:
        values = snapshot(obj)
        entries.append(
            _build(
                model=label,
                object_id=obj.pk,
                object_repr=obj,
                action=action,
                before=values if action == AuditEntry.Action.DELETE else None,
                after=None if action == AuditEntry.Action.DELETE else values,
                by=by,
            )
        )
    _append(entries)
    return len(entries)


@transaction.atomic
def record_restore(*, obj, by):
    """Brings back a soft-deleted record (Activity, RectificationItem); the audit entry names `by`."""
    # The admin's recycle bin hands over proxy instances; saving the concrete model keeps the
    # audit signals (connected per concrete model) firing.
    obj = obj._meta.concrete_model._base_manager.select_for_update().get(pk=obj.pk)
    if obj.deleted_at is None:
        return obj
    with audit_actor(by):
        obj.deleted_at = None
        obj.save(update_fields=["deleted_at"])
    return obj
