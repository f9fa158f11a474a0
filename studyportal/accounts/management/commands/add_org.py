from django.core.management.base import BaseCommand, CommandError

from studyportal.accounts.models import Organization
from studyportal.accounts.services import OrganizationError, organization_create


class Command(BaseCommand):
    help = "Adds an organization (committee, agency or Party branch) under a parent."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, choices=[k.value for k in Organization.Kind])
        parser.add_argument("--parent", help="code of the parent organization")

    def handle(self, *args, code, name, kind, parent, **options):
        parent_org = None
        if parent:
            parent_org = Organization.objects.filter(code=parent).first()
            if parent_org is None:
                raise CommandError(f"没有代码为 {parent} 的上级组织 (no organization with code {parent})")
        if Organization.objects.filter(code=code).exists():
            raise CommandError(f"代码 {code} 已被使用 (code {code} is taken)")
        if Organization.objects.filter(name=name).exists():
            raise CommandError(f"名称 {name} 已被使用 (name {name} is taken)")
        try:
            org = organization_create(code=code, name=name, kind=kind, parent=parent_org)
        except OrganizationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{org.name} ({org.code}) {org.path}")
