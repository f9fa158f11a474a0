"""`python manage.py import_ledger FILE --org ORG [--type …] [--dry-run] [--user USERNAME]`
(docs/design.md §7)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from activities.imports.engine import OrganizationNotFound, default_user, find_organization, ledger_import
from activities.imports.ledger import MAX_FILE_BYTES
from activities.imports.rules import IMPORTERS
from studyportal.accounts.models import User


class Command(BaseCommand):
    help = "Import a ledger (CSV, XLSX or XLS): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="organization code or full name")
        parser.add_argument("--type", default="activities", choices=sorted(IMPORTERS))
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", help="username recorded as the importer (default: an admin of the org)")

    def handle(self, *args, **options):
        # Office staff read this output: speak the portal's language, not the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(
                _("No such file: %(path)s. Check the path and the file's name.") % {"path": path}
            )
        try:
            organization = find_organization(options["org"])
        except OrganizationNotFound as exc:
            raise CommandError(str(exc)) from exc
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    _(
                        "No user named %(username)s. Give the username of an administrator, "
                        "or leave out --user."
                    )
                    % {"username": options["user"]}
                )
        else:
            user = default_user(organization)
            if user is None:
                raise CommandError(
                    _(
                        "No administrator to record the import as: create one (python manage.py "
                        "createsuperuser), or pass --user USERNAME."
                    )
                )
        # An oversized file is refused by its size, without reading it all into memory.
        too_big = path.stat().st_size > MAX_FILE_BYTES
        data = b"\0" * (MAX_FILE_BYTES + 1) if too_big else path.read_bytes()
        result = ledger_import(
            ledger_type=options["type"],
            data=data,
            filename=path.name,
            organization=organization,
            user=user,
            dry_run=options["dry_run"],
        )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(warning)s") % {"warning": warning}))
        if result.errors:
            for issue in result.errors:
                self.stderr.write(str(issue))
            raise CommandError(
                _("%(n)s problems found; nothing was imported. Fix the file and run the import again.")
                % {"n": len(result.errors)}
            )
        self.stdout.write(result.summary)
