"""Writes on rectification items: the lifecycle, and "only a secretary of the agency reopens or
closes an item".

Every function takes keyword arguments only and runs in one transaction. The views check who may
ask (and answer 403/404); the rules that hold whoever calls are enforced here as well.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role

from ..models import RectificationItem, RectificationProgress
from .records import _check_fields, _save_with

Status = RectificationItem.Status

# The lifecycle 未开始 → 整改中 → 已完成 → 已销号, with 已完成 → 整改中 as the one way back.
# Each service names the one move it makes.
START = (Status.NOT_STARTED, Status.IN_PROGRESS)
COMPLETE = (Status.IN_PROGRESS, Status.DONE)
REOPEN = (Status.DONE, Status.IN_PROGRESS)
CLOSE = (Status.DONE, Status.CLOSED)

RECTIFICATION_FIELDS = ("year", "problem", "category", "source", "measures", "owner", "deadline", "found_in")


class TransitionError(ValidationError):
    """A status change the lifecycle does not allow; the message is shown to the user."""


def _move(item: RectificationItem, move: tuple[str, str]) -> None:
    source, target = move
    if item.status != source:
        raise TransitionError(
            _("A rectification item that is “%(current)s” cannot become “%(target)s”.")
            % {"current": item.get_status_display(), "target": Status(target).label}
        )
    item.status = target


def _require_secretary(item, by):
    if not has_role(by, item.agency, Role.SECRETARY):
        raise PermissionDenied


@transaction.atomic
def rectification_create(*, agency: Organization, by, **fields) -> RectificationItem:
    _check_fields(fields, RECTIFICATION_FIELDS)
    return _save_with(RectificationItem(agency=agency, created_by=by, **fields), {})


@transaction.atomic
def rectification_update(*, item: RectificationItem, by, **fields) -> RectificationItem:
    _check_fields(fields, RECTIFICATION_FIELDS)
    if item.status == Status.CLOSED:
        raise TransitionError(_("A closed rectification item can no longer be changed."))
    item._history_user = by
    return _save_with(item, fields)


def _log(item, by, note, date=None):
    RectificationProgress.objects.create(
        item=item, date=date or timezone.localdate(), note=note, recorded_by=by
    )


@transaction.atomic
def rectification_start(*, item: RectificationItem, by) -> RectificationItem:
    _move(item, START)
    item._history_user = by
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def rectification_complete(*, item: RectificationItem, by, note: str = "") -> RectificationItem:
    _move(item, COMPLETE)
    item._history_user = by
    item.save(update_fields=["status"])
    if note.strip():
        _log(item, by, note.strip())
    return item


@transaction.atomic
def rectification_reopen(*, item: RectificationItem, by, reason: str = "") -> RectificationItem:
    _require_secretary(item, by)
    _move(item, REOPEN)
    item._history_user = by
    item.save(update_fields=["status"])
    _log(item, by, reason.strip() or _("Reopened: the rectification is not finished."))
    return item


@transaction.atomic
def rectification_close(*, item: RectificationItem, by, evidence: str) -> RectificationItem:
    _require_secretary(item, by)
    if not (evidence or "").strip():
        raise ValidationError(_("Closing an item needs the evidence that the problem is fixed."))
    _move(item, CLOSE)
    item.closing_evidence = evidence.strip()
    item.closed_by = by
    item.closed_at = timezone.now()
    item._history_user = by
    item.save(update_fields=["status", "closing_evidence", "closed_by", "closed_at"])
    return item


@transaction.atomic
def rectification_add_progress(
    *, item: RectificationItem, by, note: str, date: datetime.date | None = None
) -> RectificationProgress:
    if item.status == Status.CLOSED:
        raise TransitionError(_("A closed rectification item takes no more progress entries."))
    if not (note or "").strip():
        raise ValidationError(_("Write what was done."))
    entry = RectificationProgress(
        item=item, date=date or timezone.localdate(), note=note.strip(), recorded_by=by
    )
    entry.full_clean()
    entry.save()
    # Work reported on an item that had not started means it has.
    if item.status == Status.NOT_STARTED:
        item.status = Status.IN_PROGRESS
        item._history_user = by
        item.save(update_fields=["status"])
    return entry
