"""Writes to the audit chain, and the restore of soft-deleted records."""

import datetime
import hashlib
import json
import operator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from studyportal.bulk import insert_objects

from .context import audit_actor, current_actor
from .keys import audit_key, entry_mac
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


def _audited_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if field.name not in IGNORED_FIELDS]


# Columns whose values `_plain` leaves as they are: an audit of a million rows skips the call.
_PLAIN_AS_IS = {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField"}
_PLAIN_AS_IS |= {"CharField", "TextField", "BooleanField"}


def _readers(model) -> list[tuple]:
    """(attname, how its value is made plain as it reads back from JSON, or None where `_plain` would
    leave it as it is) of each audited field: an audit of a million rows calls nothing for most of
    its values."""
    readers = []
    for field in _audited_fields(model):
        target = field.target_field if field.is_relation else field
        if field.name in MASKED_FIELDS:
            readers.append((field.attname, lambda _value: MASK))
        elif target.get_internal_type() in _PLAIN_AS_IS:
            readers.append((field.attname, None))
        else:
            readers.append((field.attname, _plain_reader(field)))
    return readers


def _plain_reader(field):
    """`_plain` of the field's values as they read back from JSON, each distinct value worked out once:
    a column of 100,000 dates or times holds a year's days or a few moments."""
    known = {}

    def plain(value):
        key = (type(value), value)  # True and 1 are equal, but read back differently
        try:
            return known[key]
        except KeyError:
            known[key] = result = normalised(_plain(field, value))
            return result
        except TypeError:  # not hashable (a JSON value)
            return normalised(_plain(field, value))

    return plain


# What JSON reads back as it was written: a table of these alone needs no round trip through JSON.
_READ_BACK_AS_IS = {str, int, bool, type(None)}


def _as_read_back(table: list[list]) -> list[list]:
    """The table as it reads back from a JSON column: as it is when it holds plain texts, numbers,
    flags and nulls only (an import's rows), else through `normalised` (a choice's enum member, a
    lazy text, a tuple)."""
    if {type(value) for row in table for value in row} <= _READ_BACK_AS_IS:
        return table
    return normalised(table)


def _plain_values(model, objects) -> list[list]:
    """The rows' values in the order of `_audited_fields`, as they read back from a JSON column."""
    readers = _readers(model)
    return _as_read_back(
        [
            [getattr(obj, name) if plain is None else plain(getattr(obj, name)) for name, plain in readers]
            for obj in objects
        ]
    )


def _plain_table(model, fields: list[str], rows: list) -> list[list]:
    """`_plain_values` of rows given as plain values, `fields` naming each row's values by attname
    (every audited field among them)."""
    readers = _readers(model)
    # One C call a row (a million attendance rows); itemgetter of one index gives the value bare.
    columns = [fields.index(name) for name, _plain in readers]
    pick = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    table = [list(pick(row)) for row in rows]
    for column, (name, plain) in enumerate(readers):
        if plain is not None:
            # An empty value stays empty (unless masked): an import's million attendance rows have
            # no sign-in time, and are not made plain one by one for nothing.
            for row in table:
                if row[column] is not None or name in MASKED_FIELDS:
                    row[column] = plain(row[column])
    return _as_read_back(table)


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


def _stamp(by) -> dict:
    """When and by whom, worked out once for all the entries of one write."""
    actor = by if by is not None else current_actor()
    return {
        "at": timezone.now(),
        "actor_id": actor.pk if actor else None,
        "actor_name": (str(actor) if actor else "")[:150],
    }


def _build(*, model, object_id, object_repr, action, before, after, by) -> AuditEntry:
    return AuditEntry(
        **_stamp(by),
        model=model,
        object_id=str(object_id),
        object_repr=str(object_repr)[:200],
        action=action,
        before=normalised(before) if before is not None else None,
        after=normalised(after) if after is not None else None,
    )


# The entries appended inside an `audit_batch` block wait there, to be chained with its closing entry.
_batch_var: ContextVar = ContextVar("audit_batch", default=None)
# Beyond this many waiting entries (~60 MB) a batch chains them and keeps only their seq and hash.
MAX_QUEUED = 20_000


class _Batch:
    def __init__(self):
        self.queued: list[AuditEntry] = []
        self.chained: list[tuple[int, str]] = []  # (seq, hash) of the entries chained already


def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    batch = _batch_var.get()
    if batch is None:
        return _chain(entries)
    batch.queued.extend(entries)
    if len(batch.queued) >= MAX_QUEUED:
        batch.chained += [(entry.seq, entry.hash) for entry in _chain(batch.queued)]
        batch.queued = []
    return entries


@transaction.atomic
def _chain(entries: list[AuditEntry], closing=None) -> list[AuditEntry]:
    """Numbers and hashes the entries onto the chain and stores them; `closing(entries)`, when given,
    makes one more entry from the hashed ones, chained last."""
    # The head row's lock is held until the surrounding transaction ends, so chains never fork; on
    # SQLite the write lock taken at BEGIN already serialises writers.
    head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
    key = audit_key()

    def link(entry):
        head.seq += 1
        entry.seq = head.seq
        entry.prev_hash = head.hash
        entry.hash = head.hash = entry_hash(entry)
        entry.mac = entry_mac(entry.hash, key)

    for entry in entries:
        link(entry)
    if closing is not None:
        entries = [*entries, closing(entries)]
        link(entries[-1])
    # Without bulk_create's cost per row: an import of 100,000 activities chains 100,000 entries.
    insert_objects(AuditEntry, entries, batch_size=1000)
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
    objects = list(objects)
    ids = [obj.pk for obj in objects]
    return _audit_each(model, ids, [str(obj) for obj in objects], _plain_values(model, objects), action, by)


def audit_record_bulk_values(
    *, model, fields: list[str], rows: list, reprs: list[str], action: str, by=None
) -> int:
    """`audit_record_bulk` for rows written from plain values (`studyportal.bulk.insert_rows`), without
    an instance each: `fields` names each row's values by attname, the primary key and every audited
    field among them, and `reprs` holds what str() of each record gives. The trail reads exactly as
    `audit_record_bulk` would write it."""
    key = fields.index(model._meta.pk.attname)
    ids = [row[key] for row in rows]
    return _audit_each(model, ids, reprs, _plain_table(model, fields, rows), action, by)


def _audit_each(model, ids: list, reprs: list, table: list[list], action: str, by) -> int:
    """One entry a row: `table` holds each row's plain values in the order of `_audited_fields`."""
    label = model_label(model)
    names = [field.name for field in _audited_fields(model)]
    stamp = _stamp(by)
    delete = action == AuditEntry.Action.DELETE
    entries = []
    for pk, text, row in zip(ids, reprs, table, strict=True):
        values = dict(zip(names, row, strict=True))
        entries.append(
            AuditEntry(
                **stamp,
                model=label,
                object_id=str(pk),
                object_repr=str(text)[:200],
                action=action,
                before=values if delete else None,
                after=None if delete else values,
            )
        )
    _append(entries)
    return len(entries)


# Rows a table entry holds: ~100 kB of JSON for attendance, so an entry stays quick to read and show.
ROWS_PER_ENTRY = 2000


def audit_record_rows(*, model, objects, action: str = AuditEntry.Action.CREATE, by=None) -> int:
    """Audits rows of one kind written together in bulk (an import's attendance and material links) as
    tables of up to ROWS_PER_ENTRY rows, instead of one entry a row.

    Each entry's `after` is {"fields": [field names], "rows": [[values], …]}, every row's values (its
    id first) exactly as `snapshot` would record them one by one, so the trail reads the same; and
    being in the hash chain like any entry, a changed value, a dropped row or a dropped entry breaks
    the chain just as it would with one entry a row. The entry's object_id is "first id-last id".
    Returns the number of rows.
    """
    objects = sorted(objects, key=lambda obj: obj.pk)
    return _audit_table(model, _plain_values(model, objects), action, by)


def audit_record_values(
    *, model, fields: list[str], rows: list, action: str = AuditEntry.Action.CREATE, by=None
) -> int:
    """`audit_record_rows` for rows written from plain values (`studyportal.bulk.insert_rows`), without
    an instance each: `fields` names the values of each row by attname, the primary key and every
    audited field among them. The trail reads exactly as `audit_record_rows` would write it."""
    table = _plain_table(model, fields, rows)
    table.sort(key=lambda row: row[0])
    return _audit_table(model, table, action, by)


def _audit_table(model, rows: list[list], action: str, by) -> int:
    """Entries of up to ROWS_PER_ENTRY rows each; `rows` are plain values sorted by id, id first."""
    if not rows:
        return 0
    label = model_label(model)
    names = [field.name for field in _audited_fields(model)]
    stamp = _stamp(by)
    entries = []
    for start in range(0, len(rows), ROWS_PER_ENTRY):
        chunk = rows[start : start + ROWS_PER_ENTRY]
        entries.append(
            AuditEntry(
                **stamp,
                model=label,
                object_id=f"{chunk[0][0]}-{chunk[-1][0]}",
                object_repr=f"{model._meta.verbose_name_plural} ×{len(chunk)}"[:200],
                action=action,
                after={"fields": names, "rows": chunk},
            )
        )
    _append(entries)
    return len(rows)


def id_ranges(ids) -> list[list[int]]:
    """[[first, last], …] runs of consecutive ids: a bulk insert's ids in a few pairs."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def entries_digest(hashes) -> str:
    return hashlib.sha256("".join(hashes).encode()).hexdigest()


@contextmanager
def audit_batch(*, model: str, object_id, object_repr, by=None, discard: bool = False):
    """Closes the entries written inside the block with one entry (action "import") that accounts for
    them: yields a dict for the caller to describe the batch in (file, counts, "records": {model
    label: [ids]}), stored with "entries": the first and last seq, their number and the sha256 of
    their hashes in order. `verify_chain` checks both: the digest, and that the ids under "records"
    are exactly the ids the entries in that range record.

    The block's entries are held back and chained at its end together with the closing entry, in
    one round of queries for up to MAX_QUEUED entries. Nothing is written when the block wrote no
    entry (a re-import that changed nothing) or raised, nor with `discard` (a dry run, rolled back
    anyway). Use it inside the transaction of the write.
    """
    about: dict = {}
    if _batch_var.get() is not None:
        yield about  # within another batch, whose closing entry accounts for these entries too
        return
    batch = _Batch()
    token = _batch_var.set(batch)
    try:
        yield about
    finally:
        _batch_var.reset(token)
    if not (batch.queued or batch.chained) or discard:
        return
    records = {label: id_ranges(ids) for label, ids in about.pop("records", {}).items()}

    def closing(entries):
        written = batch.chained + [(entry.seq, entry.hash) for entry in entries]
        return _build(
            model=model,
            object_id=object_id,
            object_repr=object_repr,
            action=AuditEntry.Action.IMPORT,
            before=None,
            after={
                **about,
                "records": records,
                "entries": {
                    "first": written[0][0],
                    "last": written[-1][0],
                    "count": len(written),
                    "digest": entries_digest(hash_ for _seq, hash_ in written),
                },
            },
            by=by,
        )

    _chain(batch.queued, closing)


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
