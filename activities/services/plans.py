"""Writes on study plans.

Every function takes keyword arguments only and runs in one transaction. The views check who may
ask (and answer 403/404); the rules that hold whoever calls are enforced here as well.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization

from ..models import PlanItem, StudyPlan
from .records import _check_fields, _save_with

PLAN_ITEM_FIELDS = ("month", "kind", "topic", "measures", "lead", "fulfilled_by")


@transaction.atomic
def plan_item_create(*, agency: Organization, year: int, **fields) -> PlanItem:
    _check_fields(fields, PLAN_ITEM_FIELDS)
    plan, _created = StudyPlan.objects.get_or_create(
        agency=agency, year=year, defaults={"title": _("%(year)s study plan") % {"year": year}}
    )
    return _save_with(PlanItem(plan=plan, **fields), {})


@transaction.atomic
def plan_item_update(*, item: PlanItem, **fields) -> PlanItem:
    _check_fields(fields, PLAN_ITEM_FIELDS)
    return _save_with(item, fields)


@transaction.atomic
def plan_item_delete(*, item: PlanItem) -> None:
    item.delete()
