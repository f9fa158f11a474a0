"""Writes: the daily reminders (inbox and e-mail), marking them read, the e-mail choice."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
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


# New notifications a statement: a city's first run writes some 33,000.
INSERT_BATCH = 2000


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Writes today's reminders into the inboxes, each (person, key) once ever, then e-mails every
    person their new ones unless they turned e-mail off or have no address.

    Queries: `due_reminders`'s, one read of the (person, key) pairs already written, one insert a
    batch of new ones, one count of the new rows, one read of them with their recipients' addresses
    and one update marking them e-mailed. The texts are in the portal's language.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        reminders = due_reminders(today)
        with transaction.atomic():
            written = _already_written(reminders)
            new = [
                (user_id, reminder.key, reminder.level, reminder.text[:500], reminder.url)
                for reminder in reminders
                for user_id in sorted(reminder.recipients)
                if (user_id, reminder.key) not in written
            ]
            _insert(new, created_at=now)
            created = Notification.objects.filter(created_at=now).count() if new else 0
        emailed = _email(now) if created else 0
    return ReminderRun(reminders=len(reminders), created=created, emailed=emailed)


def _insert(rows: list[tuple[int, str, str, str, str]], *, created_at) -> None:
    """Inserts (recipient id, key, level, text, url) rows, INSERT_BATCH a statement. A reminder
    written meanwhile by another run (same person, same key) is left as it is: its created_at stays
    that run's, so that `created_at` finds only this run's.

    On PostgreSQL the columns go as arrays, unnested by the database: bulk_create's UNNEST, without
    a model instance and a Python conversion per value, which were half the time of a city's
    33,000 new notifications.
    """
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=recipient_id, key=key, level=level, text=text, url=url, created_at=created_at
                )
                for recipient_id, key, level, text, url in rows
            ],
            batch_size=INSERT_BATCH,
            ignore_conflicts=True,
        )
        return
    meta = Notification._meta
    columns = ", ".join(
        connection.ops.quote_name(meta.get_field(name).column)
        for name in ("recipient", "key", "level", "text", "url", "created_at")
    )
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "
        "SELECT *, %s FROM UNNEST(%s::bigint[], %s::varchar[], %s::varchar[], %s::varchar[], %s::varchar[]) "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.execute(
                sql, [created_at, *map(list, zip(*rows[start : start + INSERT_BATCH], strict=True))]
            )


def _already_written(reminders) -> set[tuple[int, str]]:
    """The (person, key) pairs of today's reminders that an earlier run wrote, in one query: most of
    a day's reminders were already due yesterday, and are neither built nor sent to the database."""
    keys = {reminder.key for reminder in reminders}
    if not keys:
        return set()
    return set(Notification.objects.filter(key__in=keys).values_list("recipient_id", "key"))


def _email(now) -> int:
    new = (
        Notification.objects.filter(created_at=now, emailed_at__isnull=True)
        .exclude(recipient__email="")
        .exclude(recipient__notification_preference__email=False)
    )
    by_person = defaultdict(list)
    rows = new.order_by("recipient_id", "level", "id").values_list(
        "recipient_id", "recipient__email", "recipient__real_name", "recipient__username", "text", "url"
    )
    for person_id, email, real_name, username, text, url in rows:
        by_person[(person_id, email, real_name or username)].append((text, url))
    if not by_person:
        return 0
    messages = [
        EmailMessage(
            subject=ngettext(
                "Study Portal: %(n)d new reminder", "Study Portal: %(n)d new reminders", len(items)
            )
            % {"n": len(items)},
            body=_email_body(name, items),
            to=[email],
        )
        for (_person_id, email, name), items in by_person.items()
    ]
    sent = get_connection().send_messages(messages) or 0
    new.update(emailed_at=now)
    return sent


def _email_body(name: str, items: list[tuple[str, str]]) -> str:
    lines = [_("Dear %(name)s,") % {"name": name}, ""]
    for text, url in items:
        link = f"{settings.PORTAL_URL}{url}" if settings.PORTAL_URL and url else url
        lines.append(f"- {text}" + (f"\n  {link}" if link else ""))
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
