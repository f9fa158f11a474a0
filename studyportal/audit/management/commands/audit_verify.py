from django.core.management.base import BaseCommand, CommandError

from studyportal.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Recomputes the audit chain's hashes and reports the first entry that was altered or removed."

    def handle(self, *args, **options):
        checked, problem = verify_chain()
        if problem:
            raise CommandError(f"Audit chain broken: {problem}. {checked} entries before it are intact.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries verified."))
