from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo.people import DEMO_PASSWORD, seed_organizations_and_people
from demo.records import seed_records


class Command(BaseCommand):
    help = "Loads the demo organizations, people, accounts and records (idempotent)."

    def handle(self, *args, **options):
        seeded = seed_organizations_and_people()
        seed_records(orgs=seeded["orgs"], people=seeded["people"])
        self.stdout.write(
            _(
                "Demo data ready: %(orgs)d organizations, %(people)d people. Accounts staff, recorder, "
                "secretary, admin; password %(password)s"
            )
            % {"orgs": len(seeded["orgs"]), "people": len(seeded["people"]), "password": DEMO_PASSWORD}
        )
