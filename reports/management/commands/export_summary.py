from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from reports import services
from reports.exporters import SUMMARY_FORMATS
from reports.exporters.xlsx import ledger_workbook
from studyportal.accounts.models import Organization

LEDGERS = "xlsx"


class Command(BaseCommand):
    # xlsx is the ledgers, as on the summary's page: the Excel export of the year is the records the
    # summary counts (docs/design.md §6), not the summary's text in cells.
    help = (
        "Writes an agency's annual summary (docx, md, html) or, with --format xlsx, the year's ledgers "
        "(台账: the records the summary counts) of an organization and everything under it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code or full name of the organization")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--format",
            required=True,
            choices=[*SUMMARY_FORMATS, LEDGERS],
            help="docx, md, html: the annual summary; xlsx: the year's ledgers (one sheet per group, then "
            "rectification, points, publicity)",
        )
        parser.add_argument("--output", required=True, help="file to write")

    def handle(self, *args, org, year, output, **options):
        fmt = options["format"]
        organization = Organization.objects.filter(Q(code=org) | Q(name=org)).first()
        if organization is None:
            raise CommandError(_("No organization has the code or name “%(org)s”.") % {"org": org})
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
