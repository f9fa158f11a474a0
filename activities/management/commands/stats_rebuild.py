from django.core.management.base import BaseCommand, CommandError

from activities.stats import stats_rebuild, stats_verify
from studyportal.accounts.models import Organization


class Command(BaseCommand):
    help = (
        "Rebuilds the summary rows (per-month activity counts, per-person attendance) from the records,"
        " or with --verify only compares them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="organization code (default: all)")
        parser.add_argument("--year", type=int)
        parser.add_argument(
            "--verify", action="store_true", help="compare only; exit non-zero on a difference"
        )

    def handle(self, *args, org, year, verify, **options):
        organization = None
        if org:
            organization = Organization.objects.filter(code=org).first()
            if organization is None:
                raise CommandError(f"没有代码为 {org} 的组织 (no organization with code {org})")
        if verify:
            differences = stats_verify(organization=organization, year=year)
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"{len(differences)} 处统计与记录不符 ({len(differences)} counts differ)")
            self.stdout.write("统计与记录一致 (counts agree with the records)")
            return
        count = stats_rebuild(organization=organization, year=year)
        self.stdout.write(f"已重建 {count} 行统计 (rebuilt {count} rows)")
