"""Reads: the reminders due today and whom they are for; a person's inbox.

`due_reminders` runs a fixed number of queries whatever the county's size: the roots, the active
rules, the norms engine's two per root (four in early January), the recorders' and secretaries'
roles, and the rectification items due. The rules themselves are the norms page's
(`activities.selectors.norms.norms_due`) and the rectification model's (`deadline_near_or_past`,
`is_overdue`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from activities.models import RectificationItem
from activities.selectors.norms import AMBER, RED, active_norms, norms_due
from studyportal.accounts.models import Organization, Role, RoleAssignment

from .models import Notification, NotificationPreference


@dataclass(frozen=True)
class Reminder:
    key: str
    level: str
    text: str
    url: str
    recipients: frozenset[int]


def _roles() -> tuple[dict, dict]:
    """{organization id: recorders and secretaries on it}, {organization id: secretaries on it}, for
    the active agencies and branches (one query)."""
    everyone, secretaries = defaultdict(set), defaultdict(set)
    rows = RoleAssignment.objects.filter(
        role__in=(Role.RECORDER, Role.SECRETARY),
        organization__kind__in=(Organization.Kind.AGENCY, Organization.Kind.BRANCH),
        organization__is_active=True,
        user__is_active=True,
    ).values_list("organization_id", "user_id", "role")
    for organization_id, user_id, role in rows:
        everyone[organization_id].add(user_id)
        if role == Role.SECRETARY:
            secretaries[organization_id].add(user_id)
    return everyone, secretaries


def _norm_reminders(today: datetime.date, everyone: dict) -> list[Reminder]:
    """An amber or red rule of an agency or branch, for its recorders and secretaries and, for a
    branch, its agency's."""
    norms_path = reverse("records:norms")
    norms = active_norms()
    reminders = []
    for root in Organization.objects.filter(parent__isnull=True, is_active=True):
        for due in norms_due(organization=root, today=today, norms=norms):
            if due.colour not in (AMBER, RED):
                continue
            org = due.organization
            recipients = everyone.get(org.pk, set())
            if org.kind == Organization.Kind.BRANCH:
                recipients = recipients | everyone.get(org.parent_id, set())
            if not recipients:
                continue
            reminders.append(
                Reminder(
                    key=f"{due.key}:{due.colour}",
                    level=Notification.Level.DANGER if due.colour == RED else Notification.Level.WARNING,
                    text=_("%(organization)s: %(message)s")
                    % {"organization": org.name, "message": due.message},
                    url=f"{norms_path}?{urlencode({'org': org.code, 'year': due.year})}",
                    recipients=frozenset(recipients),
                )
            )
    return reminders


def _rectification_reminders(today: datetime.date, secretaries: dict) -> list[Reminder]:
    """An open item whose deadline is near or past, for its owner and its agency's secretaries."""
    items = (
        RectificationItem.objects.deadline_near_or_past(today)
        .filter(deleted_at__isnull=True, agency__is_active=True)
        .only("id", "problem", "deadline", "status", "owner_id", "agency_id")
    )
    # reverse() once: per item it was a third of this function's time for a city's 6,400 items.
    marker = 987654321987654321
    before, after = reverse("records:rectification_detail", args=[marker]).split(str(marker))
    reminders = []
    for item in items:
        recipients = set(secretaries.get(item.agency_id, ()))
        if item.owner_id:
            recipients.add(item.owner_id)
        if not recipients:
            continue
        overdue = item.is_overdue(today)
        values = {"problem": item.problem[:60], "deadline": item.deadline.isoformat()}
        reminders.append(
            Reminder(
                key=f"rectification:{item.pk}:{'overdue' if overdue else 'near'}:{item.deadline.isoformat()}",
                level=Notification.Level.DANGER if overdue else Notification.Level.WARNING,
                text=(
                    _("Rectification item “%(problem)s” is past its deadline (%(deadline)s)")
                    if overdue
                    else _("Rectification item “%(problem)s” is due on %(deadline)s")
                )
                % values,
                url=f"{before}{item.pk}{after}",
                recipients=frozenset(recipients),
            )
        )
    return reminders


def due_reminders(today: datetime.date) -> list[Reminder]:
    everyone, secretaries = _roles()
    return _norm_reminders(today, everyone) + _rectification_reminders(today, secretaries)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(user):
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def email_enabled(user) -> bool:
    """The person's own choice (on unless turned off), whether or not an address is on file."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.email
