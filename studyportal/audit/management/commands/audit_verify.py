from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from studyportal.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Recomputes the audit chain's hashes and MACs, compares it with the checkpoints kept outside the "
        "database, and reports the first entry that was altered or removed."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if report.problem:
            if report.intact:
                vouched = _("Entries #1–#%(intact)s are intact.") % {"intact": report.intact}
            else:
                vouched = _("No entry can be vouched for.")
            raise CommandError(
                _("Audit chain broken: %(problem)s. %(vouched)s")
                % {"problem": report.problem, "vouched": vouched}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Audit chain intact: %(count)s entries verified, %(checkpoints)s checkpoints compared.")
                % {"count": report.checked, "checkpoints": report.checkpoints}
            )
        )
        if not report.checkpoints:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "No checkpoint to compare with in %(path)s: run `manage.py audit_checkpoint` daily, "
                        "or removing the newest entries goes unnoticed."
                    )
                    % {"path": settings.AUDIT_CHECKPOINT_FILE}
                )
            )
