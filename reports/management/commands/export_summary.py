from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from reports import services
from reports.exporters import SUMMARY_FORMATS
from reports.exporters.xlsx import ledger_workbook
from reports.management.org_year import OrgYearCommand
from studyportal.accounts.models import Organization

LEDGERS = "xlsx"


class Command(OrgYearCommand):
    # xlsx is the ledgers, as on the summary's page: the Excel export of the year is the records the
    # summary counts (docs/design.md §6), not the summary's text in cells.
    help = (
        "Writes an agency's annual summary (docx, md, html) or, with --format xlsx, the year's ledgers "
        "(台账: the records the summary counts) of an organization and everything under it."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--format",
            required=True,
            choices=[*SUMMARY_FORMATS, LEDGERS],
            help="docx, md, html: the annual summary; xlsx: the year's ledgers (one sheet per group, then "
            "rectification, points, publicity)",
        )

    def handle(self, *args, org, year, output, **options):
        fmt = options["format"]
        organization = self.organization(org)
        if fmt == LEDGERS:
            with open(output, "wb") as stream:
                ledger_workbook(organizations=organization.subtree(), year=year, stream=stream)
        else:
            if organization.kind != Organization.Kind.AGENCY:
                raise CommandError(
                    _("“%(org)s” is not an agency; the annual summary is written per agency.")
                    % {"org": organization.name}
                )
            document = services.summary_document(agency=organization, year=year)
            with open(output, "wb") as stream:
                stream.write(SUMMARY_FORMATS[fmt].write(document))
        self.stdout.write(_("Written: %(output)s") % {"output": output})
