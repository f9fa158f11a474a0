from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from reports.archive import archive_organization_kinds, write_archive
from studyportal.accounts.models import Organization


class Command(BaseCommand):
    help = (
        "Writes the year's study archive of an agency or a branch (a zip: index, one folder per activity "
        "with its record sheet and files, the plan, the summary and the registers) to a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code or full name of the agency or branch")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, help="zip file to write")

    def handle(self, *args, org, year, output, **options):
        organization = Organization.objects.filter(Q(code=org) | Q(name=org)).first()
        if organization is None:
            raise CommandError(_("No organization has the code or name “%(org)s”.") % {"org": org})
        if organization.kind not in archive_organization_kinds():
            raise CommandError(
                _("“%(org)s” is not an agency or a branch; the archive is kept per agency or branch.")
                % {"org": organization.name}
            )
        entries = write_archive(organization=organization, year=year, stream=output)
        self.stdout.write(
            _("Written: %(output)s (%(count)s activities)") % {"output": output, "count": len(entries)}
        )
