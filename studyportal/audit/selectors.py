"""Reads of the audit chain: an object's entries, and the verification of the whole chain."""

import datetime
import hmac
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from studyportal.choices import label_of

from .checkpoints import CheckpointFileError, checkpoints_in_force
from .keys import audit_key, entry_mac
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


@dataclass
class ChainReport:
    """What `verify_chain` found: `checked` entries read, `intact` of them (#1 to #intact) vouched
    for, the checkpoints compared, and the first problem, if any, in words."""

    checked: int
    intact: int
    checkpoints: int = 0
    problem: str | None = None


def verify_chain() -> ChainReport:
    """Recomputes every entry's hash and MAC in order, checks the import closing entries and the
    chain head, and compares the checkpoints kept outside the database. Stops at the first problem."""
    key = audit_key()
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    imports = []
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        problem = None
        if entry.seq != expected_seq:
            problem = _("entry #%(seq)s is missing (the next one present is #%(next)s)") % {
                "seq": expected_seq,
                "next": entry.seq,
            }
        elif entry.prev_hash != expected_prev:
            problem = _("entry #%(seq)s does not follow entry #%(previous)s (the previous hash differs)") % {
                "seq": entry.seq,
                "previous": entry.seq - 1,
            }
        elif entry_hash(entry) != entry.hash:
            problem = _("entry #%(seq)s was altered (its content no longer matches its hash)") % {
                "seq": entry.seq
            }
        elif not hmac.compare_digest(entry_mac(entry.hash, key), entry.mac):
            problem = _(
                "entry #%(seq)s was rewritten or re-hashed without the audit key (its MAC does not match)"
            ) % {"seq": entry.seq}
        if problem:
            return ChainReport(checked=checked, intact=expected_seq - 1, problem=problem)
        if entry.action == AuditEntry.Action.IMPORT:
            imports.append((entry.seq, entry.after or {}))
        expected_prev, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    for seq, about in imports:
        problem = _import_problem(seq, about)
        if problem:
            # The closing entry vouches for the entries it names, from the first on.
            first = (about.get("entries") or {}).get("first")
            intact = min(first, seq) - 1 if isinstance(first, int) and first >= 1 else seq - 1
            return ChainReport(checked=checked, intact=intact, problem=problem)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (checked, expected_prev):
        problem = _(
            "entries after #%(seq)s are missing (the chain head in the database records #%(head)s)"
        ) % {
            "seq": checked,
            "head": head.seq,
        }
        return ChainReport(checked=checked, intact=checked, problem=problem)
    return _compare_checkpoints(checked)


def _compare_checkpoints(checked: int) -> ChainReport:
    """Each checkpoint's entry must still be there with the MAC it had: one query for all of them."""
    try:
        points = checkpoints_in_force()
    except CheckpointFileError as error:
        return ChainReport(checked=checked, intact=checked, problem=str(error))
    macs = dict(AuditEntry.objects.filter(seq__in={point.seq for point in points}).values_list("seq", "mac"))
    vouched = 0  # the highest entry a checkpoint agreed with so far
    for point in sorted(points, key=lambda point: point.seq):
        if point.seq == 0:
            continue
        if point.seq > checked:
            problem = _(
                "the chain ends at #%(last)s but the checkpoint of %(at)s recorded #%(seq)s: "
                "entries #%(first_missing)s–#%(seq)s were removed"
            ) % {"last": checked, "at": point.at, "seq": point.seq, "first_missing": checked + 1}
            return ChainReport(checked=checked, intact=checked, checkpoints=len(points), problem=problem)
        if not hmac.compare_digest(macs.get(point.seq, ""), point.mac):
            problem = _(
                "entry #%(seq)s is not the one the checkpoint of %(at)s recorded: entries were removed "
                "after #%(vouched)s and others written in their place"
            ) % {"seq": point.seq, "at": point.at, "vouched": vouched}
            return ChainReport(checked=checked, intact=vouched, checkpoints=len(points), problem=problem)
        vouched = point.seq
    return ChainReport(checked=checked, intact=checked, checkpoints=len(points))


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
        return _("entry #%(seq)s (an import) names no valid range of entries") % {"seq": seq}
    rows = list(
        AuditEntry.objects.filter(seq__gte=first, seq__lte=last)
        .order_by("seq")
        .values_list("seq", "hash", "model", "object_id", "action")
    )
    if len(rows) != span.get("count") or entries_digest(row[1] for row in rows) != span.get("digest"):
        return _("entry #%(seq)s (an import) does not match the entries #%(first)s–#%(last)s it closes") % {
            "seq": seq,
            "first": first,
            "last": last,
        }
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
            return _("entry #%(seq)s (an import) lists other %(model)s records than its entries hold") % {
                "seq": seq,
                "model": label,
            }
    return None
