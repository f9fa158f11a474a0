"""Reads of the audit chain: an object's entries, and the verification of the whole chain."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from studyportal.choices import label_of

from .models import GENESIS_HASH, AuditEntry, ChainHead
from .services import CHANGED, MASK, entries_digest, entry_hash, model_label


@dataclass
class Change:
    field: str
    before: object
    after: object


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field, value, names):
    if value is None or value == MASK:
        return value
    if value == CHANGED:
        return _("changed")
    if field is None:
        return value
    if field.is_relation and field.many_to_one:
        return names.get((field.related_model, value), value)
    if getattr(field, "choices", None):
        return label_of(field.model, field.name, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        # Stored as UTC ISO text; shown as every other time of the portal is, local.
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.timezone.utc)
            return date_format(timezone.localtime(moment), "Y-m-d H:i")
    return value


def _related_names(model, entries) -> dict:
    """(model, id) → name for every foreign key value shown: one query per related model, not per row."""
    wanted: dict = {}
    for entry in entries:
        for values in (entry.before or {}, entry.after or {}):
            for name, value in values.items():
                field = _field(model, name)
                if field is not None and field.is_relation and field.many_to_one and value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    names = {}
    for related, ids in wanted.items():
        for pk, obj in related._base_manager.in_bulk(list(ids)).items():
            names[(related, pk)] = str(obj)
    return names


def audit_entries_for(obj, limit: int = 50):
    """The newest entries about `obj`, each with `.changes` (field label, before, after) for display.

    One query for the entries (the (model, object_id) index finds them), plus one per kind of record
    their foreign keys point at, to show names instead of ids.
    """
    model = type(obj)
    entries = list(AuditEntry.objects.filter(model=model_label(model), object_id=str(obj.pk))[:limit])
    names = _related_names(model, entries)
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        entry.changes = []
        for name in sorted(set(before) | set(after)):
            field = _field(model, name)
            if field is not None and field.primary_key:
                continue  # the record's own number: it never changes and means nothing to a reader
            label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name
            entry.changes.append(
                Change(
                    label, _display(field, before.get(name), names), _display(field, after.get(name), names)
                )
            )
    return entries


def verify_chain() -> tuple[int, str | None]:
    """(entries checked, None) when the chain is whole; otherwise the first problem, naming the entry."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    imports = []
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return checked, f"entry #{expected_seq} is missing (next present is #{entry.seq})"
        if entry.prev_hash != expected_prev:
            return (
                checked,
                f"entry #{entry.seq} does not follow entry #{entry.seq - 1} (previous hash differs)",
            )
        if entry_hash(entry) != entry.hash:
            return checked, f"entry #{entry.seq} was altered (its content no longer matches its hash)"
        if entry.action == AuditEntry.Action.IMPORT:
            imports.append((entry.seq, entry.after or {}))
        expected_prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (checked, expected_prev):
        return checked, f"entries after #{checked} are missing (the chain head records #{head.seq})"
    for seq, about in imports:
        problem = _import_problem(seq, about)
        if problem:
            return checked, problem
    return checked, None


def _is_table(object_id: str) -> bool:
    # services.audit_record_rows names its entries "first id-last id"; one record's entry has its id.
    first, dash, last = object_id.partition("-")
    return bool(dash) and first.isdigit() and last.isdigit()


def _import_problem(seq: int, about: dict) -> str | None:
    """Whether an import's closing entry (services.audit_batch) matches the entries it closes: their
    hashes give its digest, and the records they hold are exactly the ids it lists."""
    span = about.get("entries") or {}
    first, last = span.get("first"), span.get("last")
    if not isinstance(first, int) or not isinstance(last, int) or not first <= last < seq:
        return f"entry #{seq} (an import) names no valid range of entries"
    rows = list(
        AuditEntry.objects.filter(seq__gte=first, seq__lte=last)
        .order_by("seq")
        .values_list("seq", "hash", "model", "object_id", "action")
    )
    if len(rows) != span.get("count") or entries_digest(row[1] for row in rows) != span.get("digest"):
        return f"entry #{seq} (an import) does not match the entries #{first}–#{last} it closes"
    listed = {
        label: {pk for low, high in runs for pk in range(low, high + 1)}
        for label, runs in (about.get("records") or {}).items()
    }
    found: dict[str, set] = {label: set() for label in listed}
    tables = []
    for row_seq, _hash, label, object_id, action in rows:
        if label not in listed or action != AuditEntry.Action.CREATE:
            continue
        if _is_table(object_id):
            tables.append(row_seq)
        else:
            found[label].add(int(object_id))
    for label, after in AuditEntry.objects.filter(seq__in=tables).values_list("model", "after"):
        position = after["fields"].index("id") if "id" in after["fields"] else 0
        found[label].update(row[position] for row in after["rows"])
    for label, ids in listed.items():
        if found[label] != ids:
            return f"entry #{seq} (an import) lists other {label} records than its entries hold"
    return None
