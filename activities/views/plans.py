"""Pages for study plans.

Another agency's object is a 404, a role too low a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role, orgs_visible_to, scope_q
from studyportal.params import month_param

from ..forms.plans import PlanItemForm, activities_of_month, approved_activities_of
from ..forms.records import ActivityChoiceField
from ..models import Group, PlanItem, StudyPlan
from ..selectors import plans as selectors
from ..selectors.norms import month_label
from ..services import plans as services
from .records import _org_param, _require, _with_org, _year_choices


@login_required
@require_GET
def plans(request):
    agency = _org_param(request)
    return render(
        request,
        "records/plans.html",
        {
            "agency": agency,
            "agencies": orgs_visible_to(request.user).filter(kind=Organization.Kind.AGENCY),
            "plans": selectors.plans_of(agency),
            "years": _year_choices(timezone.localdate().year + 1),
            "may_edit": has_role(request.user, agency, Role.RECORDER),
        },
    )


@login_required
@require_GET
def plan_detail(request, year):
    agency = _org_param(request)
    items = list(selectors.plan_items(agency=agency, year=year))
    suggestions = selectors.plan_suggestions(agency=agency, year=year, items=items)
    for item in items:
        item.suggestion = suggestions.get(item.pk)
    comparison = selectors.plan_vs_done(agency=agency, year=year)
    rows = [(month_label(row.month), row, False) for row in comparison["months"]]
    if comparison["unscheduled"].planned_total:
        rows.append((_("Any month"), comparison["unscheduled"], False))
    rows.append((_("Whole year"), comparison["total"], True))
    return render(
        request,
        "records/plan_detail.html",
        {
            "agency": agency,
            "year": year,
            "plan": StudyPlan.objects.filter(agency=agency, year=year).first(),
            "items": items,
            "group_labels": [Group(group).label for group in selectors.GROUPS],
            "comparison_rows": [
                {
                    "label": label,
                    "cells": [(row.planned[g], row.done[g]) for g in selectors.GROUPS],
                    "planned": row.planned_total,
                    "done": row.done_total,
                    "behind": row.behind and not is_total,
                    "is_total": is_total,
                }
                for label, row, is_total in rows
            ],
            "may_edit": has_role(request.user, agency, Role.RECORDER),
        },
    )


def _plan_item(request, year, pk) -> PlanItem:
    item = get_object_or_404(
        PlanItem.objects.filter(scope_q(request.user, "plan__agency")).select_related("plan__agency"),
        pk=pk,
        plan__year=year,
    )
    _require(request.user, item.plan.agency, Role.RECORDER)
    return item


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_new(request, year):
    agency = _org_param(request)
    _require(request.user, agency, Role.RECORDER)
    form = PlanItemForm(request.POST or None, agency=agency, year=year)
    if request.method == "POST" and form.is_valid():
        services.plan_item_create(agency=agency, year=year, **form.cleaned_data)
        messages.success(request, _("The plan item has been added."))
        return redirect(_with_org(reverse("records:plan_detail", args=[year]), agency))
    return render(request, "records/plan_item_form.html", {"form": form, "agency": agency, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request, year, pk):
    item = _plan_item(request, year, pk)
    agency = item.plan.agency
    form = PlanItemForm(request.POST or None, instance=item, agency=agency, year=year)
    if request.method == "POST" and form.is_valid():
        services.plan_item_update(item=item, **form.cleaned_data)
        messages.success(request, _("The plan item has been saved."))
        return redirect(_with_org(reverse("records:plan_detail", args=[year]), agency))
    return render(
        request, "records/plan_item_form.html", {"form": form, "agency": agency, "year": year, "item": item}
    )


@login_required
@require_GET
def plan_activity_options(request, year):
    """The <option>s of a plan item's "fulfilled by" for the chosen month (the form swaps them in)."""
    agency = _org_param(request)
    _require(request.user, agency, Role.RECORDER)
    field = ActivityChoiceField(
        queryset=activities_of_month(approved_activities_of(agency, year), month_param(request))
    )
    return render(request, "records/_activity_options.html", {"choices": list(field.choices)})


@login_required
@require_POST
def plan_item_delete(request, year, pk):
    item = _plan_item(request, year, pk)
    agency = item.plan.agency
    services.plan_item_delete(item=item)
    messages.success(request, _("The plan item has been deleted."))
    return redirect(_with_org(reverse("records:plan_detail", args=[year]), agency))


@login_required
@require_POST
def plan_item_fulfil(request, year, pk):
    """Accept the suggested activity as the one that fulfilled the item."""
    item = _plan_item(request, year, pk)
    agency = item.plan.agency
    form = PlanItemForm(
        {
            "month": item.month or "",
            "kind": item.kind,
            "topic": item.topic,
            "measures": item.measures,
            "lead": item.lead_id or "",
            "fulfilled_by": request.POST.get("activity", ""),
        },
        instance=item,
        agency=agency,
        year=year,
    )
    if form.is_valid() and form.cleaned_data["fulfilled_by"]:
        services.plan_item_update(item=item, fulfilled_by=form.cleaned_data["fulfilled_by"])
        messages.success(request, _("The plan item is marked as fulfilled."))
    else:
        messages.error(request, _("Choose an approved activity of the planned month."))
    return redirect(_with_org(reverse("records:plan_detail", args=[year]), agency))
