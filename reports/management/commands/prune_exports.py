"""Deletes background exports (and their files in the default storage) once they are old enough.

Run it from cron or a systemd timer, e.g. hourly: `manage.py prune_exports` (docs/scaling.md).
"""

import datetime

from django.core.management.base import BaseCommand

from reports.tasks import KEEP_FOR, export_jobs_prune


class Command(BaseCommand):
    help = "Delete background exports asked for more than --hours ago, with their files."

    def add_arguments(self, parser):
        default = int(KEEP_FOR.total_seconds() // 3600)
        parser.add_argument("--hours", type=int, default=default, help=f"age in hours (default {default})")

    def handle(self, *, hours, **options):
        count = export_jobs_prune(older_than=datetime.timedelta(hours=hours))
        self.stdout.write(f"{count} export(s) deleted.")
