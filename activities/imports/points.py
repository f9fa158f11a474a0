"""The study points ledger: each person's points for a period on a platform."""

from django.utils.translation import gettext_lazy

from studyportal.accounts.models import Role

from ..models import StudyPoints as Points
from .core import CREATED, UNCHANGED, UPDATED, Importer, listed_twice
from .ledger import Column, parse_int, parse_period


class PointsImporter(Importer):
    ledger_type = "points"
    label = gettext_lazy("Study points")
    # Members' points are the secretary's to see (records:points), so theirs to overwrite.
    role = Role.SECRETARY
    role_refusal = gettext_lazy("Only a secretary or an administrator may import study points.")
    columns = [
        Column("name", ("姓名",), "name", required=True),
        Column("period", ("期间", "月份", "年度"), "period", required=True),
        Column("platform", ("平台", "学习平台"), "platform"),
        Column("points", ("积分", "学习积分", "总积分"), "points", required=True),
    ]

    def prepare(self, ledger):
        self.people = self.people_by_name()

    def clean(self, row):
        _name, person = self.person_named(row, "name", required=True)
        period = row.get("period", parse_period, required=True)
        year, month = period if period else (None, None)
        return {
            "person": person,
            "year": year,
            "month": month,
            "platform": row.get("platform", max_length=50) or "学习强国",
            "points": row.get("points", parse_int, required=True),
        }

    def check_together(self, cleaned):
        seen = {}
        for row, item in cleaned:
            if item["person"] is None or item["year"] is None:
                continue
            listed_twice(
                row, "period", seen, (item["person"].pk, item["year"], item["month"], item["platform"])
            )

    def before_write(self, items):
        years = {item["year"] for item in items}
        self.existing = {
            (points.person_id, points.year, points.month, points.platform): points
            for points in Points.objects.filter(person__agency=self.agency, year__in=years)
        }
        self.pending = []

    def write(self, item):
        key = (item["person"].pk, item["year"], item["month"], item["platform"])
        points = self.existing.get(key)
        if points is None:
            self.pending.append(
                Points(
                    person=item["person"],
                    year=item["year"],
                    month=item["month"],
                    platform=item["platform"],
                    points=item["points"],
                    imported=True,
                )
            )
            return CREATED
        if points.points == item["points"]:
            return UNCHANGED
        points.points = item["points"]
        points.save(update_fields=["points"])
        return UPDATED

    def finish(self):
        self.bulk_create_audited(Points, self.pending)
