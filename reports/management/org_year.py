from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization


class OrgYearCommand(BaseCommand):
    """A command that writes one organization's year to a file: --org (its code or full name), --year
    and --output."""

    org_help = "code or full name of the organization"
    output_help = "file to write"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help=self.org_help)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, help=self.output_help)

    def organization(self, org: str) -> Organization:
        organization = Organization.objects.filter(Q(code=org) | Q(name=org)).first()
        if organization is None:
            raise CommandError(_("No organization has the code or name “%(org)s”.") % {"org": org})
        return organization
