"""`python manage.py add_org --code CODE --name NAME --kind committee|agency|branch [--parent CODE]`.

An agency without --parent is the root of its own deployment (a bureau using the portal alone).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.utils import translation
from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization
from studyportal.accounts.services import OrganizationError, organization_create


class Command(BaseCommand):
    help = (
        "Adds an organization (committee, agency or Party branch); an agency without --parent stands alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="letters, digits, - and _")
        parser.add_argument("--name", required=True, help="the full name")
        parser.add_argument("--kind", required=True, choices=[k.value for k in Organization.Kind])
        parser.add_argument("--parent", help="code of the parent organization")

    def handle(self, *args, **options):
        # Office staff read this output: speak the portal's language, not the shell's.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, *, code, name, kind, parent, **options):
        code, name = code.strip(), name.strip()
        parent_org = None
        if parent:
            parent_org = Organization.objects.filter(code=parent).first()
            if parent_org is None:
                raise CommandError(
                    _("No organization has the code %(code)s. Check the code, or add the parent first.")
                    % {"code": parent}
                )
        if not _slug(code):
            raise CommandError(
                _("The code %(code)s may hold only letters, digits, - and _; choose another.")
                % {"code": code}
            )
        if Organization.objects.filter(code=code).exists():
            raise CommandError(
                _("The code %(code)s is taken by %(name)s; choose another code.")
                % {"code": code, "name": Organization.objects.get(code=code).name}
            )
        if Organization.objects.filter(name=name).exists():
            raise CommandError(
                _("An organization is already named %(name)s; names are unique, choose another.")
                % {"name": name}
            )
        try:
            org = organization_create(code=code, name=name, kind=kind, parent=parent_org)
        except OrganizationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Added %(kind)s %(name)s (code %(code)s).")
            % {"kind": org.get_kind_display(), "name": org.name, "code": org.code}
        )


def _slug(code: str) -> bool:
    try:
        validate_slug(code)
    except ValidationError:
        return False
    return True
