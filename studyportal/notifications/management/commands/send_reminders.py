"""python manage.py send_reminders — meant for cron once a day (docs/reminders.md)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from studyportal.notifications.services import reminders_send


class Command(BaseCommand):
    help = (
        "Writes the reminders due today (rules of the current period near their end or missed, "
        "rectification deadlines near or past) into the inboxes and e-mails them; each reminder once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Check as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(
                    _("--date must be a date such as 2026-03-31, not “%(value)s”.") % {"value": date}
                ) from error
        run = reminders_send(today=today)
        self.stdout.write(
            _("%(reminders)d reminders due, %(created)d new in the inboxes, %(emailed)d e-mails sent.")
            % {"reminders": run.reminders, "created": run.created, "emailed": run.emailed}
        )
