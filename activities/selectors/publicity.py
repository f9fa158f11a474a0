"""Reads for publicity placements.

Lists start from `scope_q`, so another agency's rows are never reachable; the aggregates the summary
and the dashboard call take an agency the caller has already checked.
"""

from django.db.models import Count
from django.shortcuts import get_object_or_404

from studyportal.accounts.models import Organization
from studyportal.accounts.scoping import scope_q

from ..models import (
    Publicity,
)


def publicity_visible_to(user):
    return Publicity.objects.filter(scope_q(user, "agency")).select_related("agency", "activity")


def get_publicity_for_user(user, pk: int) -> Publicity:
    return get_object_or_404(publicity_visible_to(user), pk=pk)


def publicity_counts_by_level(*, agency: Organization, year: int) -> dict[str, int]:
    """Level code → number of placements in the year, every level present (one query)."""
    counts = dict.fromkeys(Publicity.Level.values, 0)
    rows = (
        Publicity.objects.filter(agency=agency, date__year=year)
        .values("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts
