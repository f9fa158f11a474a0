from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from studyportal.audit.checkpoints import checkpoint_write


class Command(BaseCommand):
    help = (
        "Appends the audit chain's head (newest entry, its MAC, the count, the time) to the checkpoint file "
        "and the log, for audit_verify to compare with. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restored",
            action="store_true",
            help="After restoring a backup on purpose: the entries after the restored head are given up, "
            "and the checkpoints that lie beyond it are no longer compared.",
        )

    def handle(self, *args, restored=False, **options):
        head = checkpoint_write(restored=restored)
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit checkpoint written to %(path)s: entry #%(seq)s, %(count)s entries, at %(at)s.")
                % {
                    "path": settings.AUDIT_CHECKPOINT_FILE,
                    "seq": head.seq,
                    "count": head.count,
                    "at": head.at,
                }
            )
        )
