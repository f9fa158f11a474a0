"""What someone holding the database would do to the audit trail, for the tests to try."""

from studyportal.audit.keys import entry_mac
from studyportal.audit.models import GENESIS_HASH, AuditEntry, ChainHead
from studyportal.audit.services import entry_hash


def rechain_from(seq: int, *, key: bytes | None = None) -> None:
    """Re-hashes every entry from `seq` on with the project's own function, as someone hiding an edit
    would; with `key` (someone who also stole the audit key) the MACs are redone too, else left as
    they were."""
    previous = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = previous
        entry.hash = previous = entry_hash(entry)
        if key is not None:
            entry.mac = entry_mac(entry.hash, key)
        entry.save()
    ChainHead.objects.filter(pk=1).update(hash=previous)


def cut_off_newest(count: int = 1) -> None:
    """Deletes the newest entries and moves the chain head back onto the last one left."""
    newest = AuditEntry.objects.order_by("-seq")
    for entry in list(newest[:count]):
        entry.delete()
    last = newest.first()
    ChainHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash)
