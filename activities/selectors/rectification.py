"""Reads for rectification items, and the rectification spreadsheet's columns.

Lists start from `scope_q`, so another agency's rows are never reachable; the aggregates the summary
and the dashboard call take an agency the caller has already checked.
"""

import datetime

from django.db.models import F
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from studyportal.accounts.scoping import scope_q
from studyportal.spreadsheet import Column, Sheet

from ..models import (
    RectificationItem,
)


def rectification_items_visible_to(user, *, today: datetime.date | None = None):
    """The items of the agencies the user covers, each annotated with `overdue` (open, past deadline)."""
    today = today or timezone.localdate()
    return (
        RectificationItem.objects.filter(scope_q(user, "agency"), deleted_at__isnull=True)
        .select_related("agency", "owner", "found_in")
        .with_overdue(today)
    )


def rectification_list(user, *, today: datetime.date | None = None):
    """Overdue items first, then by deadline (items without one last)."""
    return rectification_items_visible_to(user, today=today).order_by(
        F("overdue").desc(), F("deadline").asc(nulls_last=True), "id"
    )


def get_rectification_for_user(user, pk: int) -> RectificationItem:
    return get_object_or_404(rectification_items_visible_to(user), pk=pk)


def rectification_progress(item: RectificationItem):
    return item.progress.select_related("recorded_by").order_by("date", "id")


# The rectification spreadsheet's columns, for the list's export and the year's ledgers alike:
# header, width, value. Built into a Sheet per call, so that the headers follow the language active
# at export time.
RECTIFICATION_COLUMNS = [
    (gettext_lazy("Agency"), 18, lambda item: item.agency.name),
    (gettext_lazy("Year"), 8, lambda item: item.year),
    (gettext_lazy("Problem"), 48, lambda item: item.problem),
    (gettext_lazy("Category"), 14, lambda item: item.get_category_display()),
    (gettext_lazy("Source"), 12, lambda item: item.get_source_display()),
    (gettext_lazy("Measures"), 48, lambda item: item.measures),
    (gettext_lazy("Owner"), 10, lambda item: item.owner.real_name if item.owner_id else ""),
    (gettext_lazy("Deadline"), 12, lambda item: item.deadline),
    (gettext_lazy("Status"), 10, lambda item: item.get_status_display()),
    (gettext_lazy("Overdue"), 8, lambda item: gettext("Yes") if item.is_overdue() else ""),
    (
        gettext_lazy("Closed at"),
        12,
        lambda item: timezone.localdate(item.closed_at) if item.closed_at else None,
    ),
    (gettext_lazy("Closing evidence"), 40, lambda item: item.closing_evidence),
]


def rectification_sheet(items, *, title: str) -> Sheet:
    """`items` (RectificationItem rows, with their agency and owner fetched) as one spreadsheet."""
    columns = [Column(str(header), width) for header, width, _value in RECTIFICATION_COLUMNS]
    rows = ([value(item) for _header, _width, value in RECTIFICATION_COLUMNS] for item in items)
    return Sheet(title, columns, rows, wrap_text=True)
