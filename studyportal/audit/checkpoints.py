"""Copies of the chain's head kept outside the database (settings.AUDIT_CHECKPOINT_FILE and the log).

The MACs stop anyone without the key from rewriting entries, but not from deleting the newest ones
and moving the head back: what is left still verifies. A checkpoint written daily records the head
(its number and MAC); `audit_verify` finds every checkpointed entry still there with the same MAC.

The file holds one JSON object a line: {"kind": "checkpoint" | "restore", "seq", "mac", "count",
"at"}. A "restore" line, written after a backup was restored on purpose (`audit_checkpoint
--restored`), says that the entries after its head were given up: the checkpoints before it that lie
beyond it are no longer compared.
"""

import json
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEntry

logger = logging.getLogger("studyportal.audit.checkpoint")

CHECKPOINT = "checkpoint"
RESTORE = "restore"


@dataclass(frozen=True)
class Checkpoint:
    kind: str
    seq: int
    mac: str
    count: int
    at: str


class CheckpointFileError(Exception):
    pass


def chain_head() -> Checkpoint:
    """The newest entry's number and MAC, and how many entries there are, as of now."""
    newest = AuditEntry.objects.order_by("-seq").values("seq", "mac").first() or {"seq": 0, "mac": ""}
    return Checkpoint(
        kind=CHECKPOINT,
        seq=newest["seq"],
        mac=newest["mac"],
        count=AuditEntry.objects.count(),
        at=timezone.now().isoformat(timespec="seconds"),
    )


def checkpoint_write(*, restored: bool = False) -> Checkpoint:
    """Appends the head to the checkpoint file (created with its folder if need be) and to the log."""
    head = chain_head()
    if restored:
        head = Checkpoint(RESTORE, head.seq, head.mac, head.count, head.at)
    line = json.dumps(head.__dict__, sort_keys=True)
    path = settings.AUDIT_CHECKPOINT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())
    logger.info("audit %s %s", head.kind, line)
    return head


def checkpoints_in_force() -> list[Checkpoint]:
    """The checkpoints the chain must still agree with: all of them but those a later "restore" line
    gave up (the ones beyond the head it records). No file yet: none."""
    path = settings.AUDIT_CHECKPOINT_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            point = Checkpoint(
                kind=str(data["kind"]),
                seq=int(data["seq"]),
                mac=str(data["mac"]),
                count=int(data["count"]),
                at=str(data["at"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise CheckpointFileError(
                _("line %(line)s of the checkpoint file %(path)s cannot be read")
                % {"line": number, "path": path}
            ) from error
        lines.append(point)
    kept, restored_to = [], None  # the lowest head a later "restore" line went back to
    for point in reversed(lines):
        if restored_to is None or point.seq <= restored_to:
            kept.append(point)
        if point.kind == RESTORE:
            restored_to = point.seq if restored_to is None else min(restored_to, point.seq)
    return kept[::-1]
