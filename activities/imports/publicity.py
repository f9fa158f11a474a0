"""The publicity ledger: placements in the media, by date, title and outlet."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyportal.params import is_web_link

from ..models import Publicity
from .core import CREATED, UNCHANGED, UPDATED, Importer, _choice, set_changed
from .ledger import Column, parse_date

LEVELS = {
    **{value: value for value in Publicity.Level.values},
    "中央": Publicity.Level.CENTRAL,
    "中央级": Publicity.Level.CENTRAL,
    "国家级": Publicity.Level.CENTRAL,
    "省级": Publicity.Level.PROVINCIAL,
    "省": Publicity.Level.PROVINCIAL,
    "市级": Publicity.Level.MUNICIPAL,
    "市": Publicity.Level.MUNICIPAL,
    "县级": Publicity.Level.COUNTY,
    "县": Publicity.Level.COUNTY,
    "本单位": Publicity.Level.OWN,
    "本单位新媒体": Publicity.Level.OWN,
}
FORMS = {
    **{value: value for value in Publicity.Form.values},
    "文章": Publicity.Form.ARTICLE,
    "稿件": Publicity.Form.ARTICLE,
    "信息": Publicity.Form.ARTICLE,
    "视频": Publicity.Form.VIDEO,
    "新媒体": Publicity.Form.POST,
    "推文": Publicity.Form.POST,
    "新媒体推文": Publicity.Form.POST,
}


class PublicityImporter(Importer):
    ledger_type = "publicity"
    label = gettext_lazy("Publicity placements")
    columns = [
        Column("date", ("日期", "刊发日期", "发布日期"), "date", required=True),
        Column("title", ("标题", "稿件标题"), "title", required=True),
        Column("outlet", ("媒体", "刊发媒体", "发布媒体"), "outlet", required=True),
        Column("level", ("级别", "媒体级别"), "level", required=True),
        Column("form", ("形式",), "kind"),
        Column("link", ("链接",), "link"),
    ]

    def clean(self, row):
        level = row.get("level", required=True)
        form = row.get("form")
        item = {
            "date": row.get("date", parse_date, required=True),
            "title": row.get("title", required=True, max_length=200),
            "outlet": row.get("outlet", required=True, max_length=100),
            "level": _choice(LEVELS, level) if level else None,
            "form": _choice(FORMS, form) if form else Publicity.Form.ARTICLE,
            "link": row.get("link", max_length=500) or "",
        }
        if level and item["level"] is None:
            row.error("level", _("Unknown level; use 中央, 省级, 市级, 县级 or 本单位."))
        if item["form"] is None:
            row.error("form", _("Unknown form; use 文章, 视频 or 新媒体."))
        if item["link"] and not is_web_link(item["link"]):
            row.error("link", _("Give a web address starting with http:// or https://."))
        return item

    def before_write(self, items):
        dates = {item["date"] for item in items}
        self.existing = {
            (placement.date, placement.title, placement.outlet): placement
            for placement in Publicity.objects.filter(agency=self.agency, date__in=dates)
        }
        self.pending = []

    def write(self, item):
        key = (item["date"], item["title"], item["outlet"])
        placement = self.existing.get(key)
        if placement is None:
            self.existing[key] = placement = Publicity(
                agency=self.agency,
                date=item["date"],
                title=item["title"],
                outlet=item["outlet"],
                level=item["level"],
                form=item["form"],
                link=item["link"],
                created_by=self.user,
                imported=True,
            )
            self.pending.append(placement)
            return CREATED
        wanted = {"level": item["level"], "form": item["form"], "link": item["link"] or placement.link}
        changed = set_changed(placement, wanted)
        if not changed:
            return UNCHANGED
        if placement.pk is not None:
            # One added earlier in this file is still waiting for the bulk insert, and goes in as changed.
            placement.save(update_fields=changed)
        return UPDATED

    def finish(self):
        self.bulk_create_audited(Publicity, self.pending)
