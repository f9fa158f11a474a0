"""Reads for the home page: what waits for each role (own unfinished records, the review queue's
count, rectification items due, rules of the current period not met, records to complete)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from activities.models import Activity, RectificationItem
from activities.selectors.norms import DueNorm
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role, scope_paths, scope_q

from .dashboard import (
    DASHBOARD_KINDS,
    default_dashboard_organization,
    incomplete_records,
    organizations_norms_due,
)

HOME_LIST_LIMIT = 10


def norms_due_organizations(user) -> list[Organization]:
    """The topmost agencies and branches where the user is recorder or more (a committee's admin
    follows the agencies on the overview instead), one query."""
    paths = scope_paths(user, Role.RECORDER)
    if not paths:
        return []
    return list(
        Organization.objects.filter(path__in=paths, kind__in=DASHBOARD_KINDS, is_active=True).order_by("path")
    )


@dataclass
class HomePanels:
    my_unfinished: list[Activity] | None = None  # staff: own drafts and returned records
    awaiting_review: int | None = None  # secretary: submitted records in their scope
    review_organization: Organization | None = None
    due_items: list[RectificationItem] | None = None  # secretary / owner: due soon or overdue
    due_count: int = 0
    due_days: int = 0  # how far ahead a deadline counts as near
    norms_due: list[DueNorm] | None = None  # recorder / secretary: rules of the current period not met
    norms_due_count: int = 0
    incomplete: list[Activity] | None = None  # recorder: records that lack something
    incomplete_organization: Organization | None = None
    years: tuple[int, ...] = ()

    @property
    def any(self) -> bool:
        return any(
            value is not None
            for value in (
                self.my_unfinished,
                self.awaiting_review,
                self.due_items,
                self.norms_due,
                self.incomplete,
            )
        )


def home_panels(user, *, today: datetime.date | None = None) -> HomePanels:
    """A fixed handful of queries: the roles (cached on the user), own unfinished records, the count
    awaiting review, the rectification items due (count and the first few), and the recorder's
    incomplete records of this and last year in their own agency."""
    today = today or timezone.localdate()
    panels = HomePanels(years=(today.year - 1, today.year))
    if not scope_paths(user, Role.STAFF) and not user.is_superuser:
        return panels

    panels.my_unfinished = list(
        Activity.objects.alive()
        .filter(
            scope_q(user),
            recorded_by=user,
            status__in=[Activity.Status.DRAFT, Activity.Status.RETURNED],
        )
        .select_related("organization")
        .order_by("-status", "-date", "-id")
    )

    if scope_paths(user, Role.SECRETARY):
        panels.awaiting_review = (
            Activity.objects.alive()
            .filter(scope_q(user, min_role=Role.SECRETARY), status=Activity.Status.SUBMITTED)
            .count()
        )
        panels.review_organization = default_dashboard_organization(user)

    due_q = Q(owner=user)
    if scope_paths(user, Role.SECRETARY):
        due_q |= scope_q(user, "agency", Role.SECRETARY)
    due = RectificationItem.objects.deadline_near_or_past(today).filter(
        due_q, scope_q(user, "agency"), deleted_at__isnull=True
    )
    # A committee oversees hundreds of items: the panel shows the most pressing and counts the rest.
    panels.due_count = due.count()
    panels.due_days = settings.RECTIFICATION_WARNING_DAYS
    panels.due_items = list(
        due.select_related("agency", "owner").order_by("deadline", "id")[:HOME_LIST_LIMIT]
    )
    for item in panels.due_items:
        item.overdue = item.is_overdue(today)

    organizations = norms_due_organizations(user) if scope_paths(user, Role.RECORDER) else []
    if organizations:
        due_norms = organizations_norms_due(organizations, today=today)
        panels.norms_due_count = len(due_norms)
        panels.norms_due = due_norms[:HOME_LIST_LIMIT]

    agency = user.agency
    if (
        agency is not None
        and agency.kind == Organization.Kind.AGENCY
        and has_role(user, agency, Role.RECORDER)
    ):
        panels.incomplete_organization = agency
        panels.incomplete = incomplete_records(
            Activity.objects.alive()
            .filter(organization__path__startswith=agency.path, date__year__in=panels.years)
            .exclude(status=Activity.Status.DRAFT)
            .newest_first()
        )
    return panels
