"""Writes on publicity placements.

Every function takes keyword arguments only and runs in one transaction. The views check who may
ask (and answer 403/404); the rules that hold whoever calls are enforced here as well.
"""

from django.db import transaction

from studyportal.accounts.models import Organization

from ..models import Publicity
from .records import _check_fields, _save_with

PUBLICITY_FIELDS = ("date", "title", "outlet", "level", "form", "link", "activity")


@transaction.atomic
def publicity_create(*, agency: Organization, by, **fields) -> Publicity:
    _check_fields(fields, PUBLICITY_FIELDS)
    return _save_with(Publicity(agency=agency, created_by=by, **fields), {})


@transaction.atomic
def publicity_update(*, placement: Publicity, **fields) -> Publicity:
    _check_fields(fields, PUBLICITY_FIELDS)
    return _save_with(placement, fields)
