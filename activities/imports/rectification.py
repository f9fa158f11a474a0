"""The rectification ledger: problems found, their measures, owners, deadlines and status."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studyportal.accounts.models import Role
from studyportal.accounts.scoping import has_role

from ..models import RectificationItem
from .core import CREATED, UNCHANGED, Importer, _choice, _key
from .ledger import Column, parse_date, parse_year

CATEGORIES = {
    **{value: value for value in RectificationItem.Category.values},
    "理论学习": RectificationItem.Category.THEORY,
    "宣传舆论": RectificationItem.Category.PUBLICITY,
    "队伍建设": RectificationItem.Category.TEAM,
    "作风建设": RectificationItem.Category.STYLE,
    "其他": RectificationItem.Category.OTHER,
    "其它": RectificationItem.Category.OTHER,
}
STATUSES = {
    **{value: value for value in RectificationItem.Status.values},
    "未开始": RectificationItem.Status.NOT_STARTED,
    "未整改": RectificationItem.Status.NOT_STARTED,
    "整改中": RectificationItem.Status.IN_PROGRESS,
    "正在整改": RectificationItem.Status.IN_PROGRESS,
    "已完成": RectificationItem.Status.DONE,
    "已整改": RectificationItem.Status.DONE,
    "已销号": RectificationItem.Status.CLOSED,
}


class RectificationImporter(Importer):
    ledger_type = "rectification"
    label = gettext_lazy("Rectification items")
    columns = [
        Column("problem", ("问题", "存在问题", "问题描述"), "problem", required=True),
        Column("category", ("类别", "问题类别"), "category"),
        Column("measures", ("整改措施",), "measures"),
        Column("owner", ("责任人",), "owner"),
        Column("deadline", ("整改时限", "完成时限"), "deadline"),
        Column("status", ("状态", "整改状态"), "status"),
        Column("year", ("年度",), "year"),
    ]

    def prepare(self, ledger):
        self.people = self.people_by_name()
        # 已销号 closes an item: the secretary's decision, as on the item's page.
        self.may_close = has_role(self.user, self.agency, Role.SECRETARY)

    def clean(self, row):
        item = {
            "problem": row.get("problem", required=True),
            "measures": row.get("measures") or "",
            "deadline": row.get("deadline", parse_date),
            "year": row.get("year", parse_year),
        }
        category = row.get("category")
        item["category"] = _choice(CATEGORIES, category) if category else RectificationItem.Category.OTHER
        if item["category"] is None:
            row.error("category", _("Unknown category; use 理论学习, 宣传舆论, 队伍建设, 作风建设 or 其他."))
        status = row.get("status")
        item["status"] = _choice(STATUSES, status) if status else RectificationItem.Status.NOT_STARTED
        if item["status"] is None:
            row.error("status", _("Unknown status; use 未开始, 整改中, 已完成 or 已销号."))
        elif item["status"] == RectificationItem.Status.CLOSED and not self.may_close:
            row.error(
                "status",
                _(
                    "Only a secretary may close an item (已销号); import it as 已完成 for the secretary "
                    "to close."
                ),
            )
        owner, item["owner"] = self.person_named(row, "owner")
        if item["year"] is None and "year" not in row.problems:
            if item["deadline"] is not None:
                item["year"] = item["deadline"].year
            else:
                row.error("year", _("Give the year, or a deadline to take it from."))
        item["key"] = _key(
            self.ledger_type,
            self.agency.pk,
            item["year"],
            item["problem"],
            item["category"],
            item["measures"],
            owner,
            item["deadline"],
            item["status"],
        )
        return item

    def before_write(self, items):
        self.seen = set(
            RectificationItem.objects.filter(
                agency=self.agency, import_key__in=[item["key"] for item in items]
            ).values_list("import_key", flat=True)
        )
        self.pending = []

    def write(self, item):
        if item["key"] in self.seen:
            return UNCHANGED
        self.seen.add(item["key"])
        closed = item["status"] == RectificationItem.Status.CLOSED
        self.pending.append(
            RectificationItem(
                agency=self.agency,
                year=item["year"],
                problem=item["problem"],
                category=item["category"],
                measures=item["measures"],
                owner=item["owner"],
                deadline=item["deadline"],
                status=item["status"],
                closed_by=self.user if closed else None,
                closed_at=timezone.now() if closed else None,
                created_by=self.user,
                imported=True,
                import_key=item["key"],
            )
        )
        return CREATED

    def finish(self):
        self.bulk_create_audited(RectificationItem, self.pending)
