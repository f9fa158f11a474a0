from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from reports.archive import archive_organization_kinds, write_archive
from reports.management.org_year import OrgYearCommand


class Command(OrgYearCommand):
    help = (
        "Writes the year's study archive of an agency or a branch (a zip: index, one folder per activity "
        "with its record sheet and files, the plan, the summary and the registers) to a file."
    )

    org_help = "code or full name of the agency or branch"
    output_help = "zip file to write"

    def handle(self, *args, org, year, output, **options):
        organization = self.organization(org)
        if organization.kind not in archive_organization_kinds():
            raise CommandError(
                _("“%(org)s” is not an agency or a branch; the archive is kept per agency or branch.")
                % {"org": organization.name}
            )
        entries = write_archive(organization=organization, year=year, stream=output)
        self.stdout.write(
            _("Written: %(output)s (%(count)s activities)") % {"output": output, "count": len(entries)}
        )
