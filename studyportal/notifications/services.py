"""Writes: the daily reminders (inbox and e-mail), marking them read, the e-mail choice."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Notification, NotificationPreference
from .selectors import due_reminders


@dataclass(frozen=True)
class ReminderRun:
    reminders: int  # what is due today, before the once-only rule
    created: int  # notifications written now (the others were written on an earlier day)
    emailed: int  # e-mails sent (one per person, listing their new reminders)


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Writes today's reminders into the inboxes, each (person, key) once ever, then e-mails every
    person their new ones unless they turned e-mail off or have no address.

    A fixed number of queries: `due_reminders`, one insert, one read of the new rows with their
    recipients, one update marking them e-mailed. The texts are in the portal's language.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reminders = due_reminders(today)
        with transaction.atomic():
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient_id=user_id,
                        key=reminder.key,
                        level=reminder.level,
                        text=reminder.text[:500],
                        url=reminder.url,
                        created_at=now,
                    )
                    for reminder in reminders
                    for user_id in sorted(reminder.recipients)
                ],
                # A reminder already written (same person, same key) is left as it is: its
                # created_at stays the earlier run's, so `created_at=now` below finds only new ones.
                ignore_conflicts=True,
            )
            created = Notification.objects.filter(created_at=now).count()
        emailed = _email(now)
    return ReminderRun(reminders=len(reminders), created=created, emailed=emailed)


def _email(now) -> int:
    new = (
        Notification.objects.filter(created_at=now, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .exclude(recipient__notification_preference__email=False)
    )
    by_person = defaultdict(list)
    for notification in new.select_related("recipient").order_by("recipient_id", "level", "id"):
        by_person[notification.recipient].append(notification)
    if not by_person:
        return 0
    messages = [
        EmailMessage(
            subject=ngettext(
                "Study Portal: %(n)d new reminder", "Study Portal: %(n)d new reminders", len(items)
            )
            % {"n": len(items)},
            body=_email_body(person, items),
            to=[person.email],
        )
        for person, items in by_person.items()
    ]
    sent = get_connection().send_messages(messages) or 0
    new.update(emailed_at=now)
    return sent


def _email_body(person, items) -> str:
    lines = [_("Dear %(name)s,") % {"name": person.real_name or person.username}, ""]
    for item in items:
        link = f"{settings.PORTAL_URL}{item.url}" if settings.PORTAL_URL and item.url else item.url
        lines.append(f"- {item.text}" + (f"\n  {link}" if link else ""))
    lines += ["", _("You can turn these e-mails off on the portal's notifications page.")]
    return "\n".join(lines)


def notifications_mark_read(*, user, ids: list[int]) -> int:
    """Marks the person's own notifications among `ids` read (those already read keep their time)."""
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notification_preference_set(*, user, email: bool) -> NotificationPreference:
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.update_or_create(
            user=user, defaults={"email": email}
        )
        return preference
