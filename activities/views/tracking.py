"""Pages for rectification items, study points, publicity, study plans and norms.

Who may do what: anyone covering the agency (staff and up) sees its rectification items, publicity,
plans and norms; a recorder creates and edits them; an item's owner or a recorder reports progress;
a secretary reopens and closes items and sees members' study points; only an administrator sets the
low-points threshold. Another agency's object is a 404, a role too low a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import PAGE_ROLES, has_role, orgs_visible_to, scope_q
from studyportal.params import MAX_ID, month_param, parse_int, year_param
from studyportal.spreadsheet import xlsx_download

from .. import records_selectors as selectors
from .. import records_services as services
from ..forms_records import (
    ActivityChoiceField,
    CloseForm,
    CompleteForm,
    PlanItemForm,
    ProgressForm,
    PublicityForm,
    RectificationFilter,
    RectificationForm,
    ReopenForm,
    ThresholdForm,
    activities_of_month,
    agencies_for,
    approved_activities_of,
)
from ..models import Activity, Group, PlanItem, Publicity, RectificationItem, StudyPlan
from ..norms import gaps_of, month_label, norm_results

# ---------------------------------------------------------------------------------------------
# Helpers


def _require(user, organization, role):
    if not has_role(user, organization, role):
        raise PermissionDenied


def _org_param(request, kinds=(Organization.Kind.AGENCY,)):
    """The organization of `?org=` (id or code) among those the user sees, else the user's own agency,
    else the first agency the user covers. Another agency's `?org=` is a 404."""
    visible = orgs_visible_to(request.user).filter(kind__in=kinds)
    raw = request.GET.get("org", "").strip()
    if raw:
        pk = parse_int(raw, low=1, high=MAX_ID)
        lookup = Q(code=raw) | Q(pk=pk) if pk is not None else Q(code=raw)
        return get_object_or_404(visible, lookup)
    own = visible.filter(pk=request.user.agency_id).first() if request.user.agency_id else None
    if own is not None:
        return own
    first = visible.filter(kind=Organization.Kind.AGENCY).order_by("path").first()
    if first is None:
        raise PermissionDenied
    return first


def _year_param(request, default: int | None) -> int:
    return year_param(request, default=default or timezone.localdate().year)


def _year_choices(*years) -> list[int]:
    this_year = timezone.localdate().year
    return sorted({y for y in years if y} | {this_year, this_year - 1}, reverse=True)


def _with_org(url: str, org: Organization, **params) -> str:
    return f"{url}?{urlencode({'org': org.code, **params})}"


# ---------------------------------------------------------------------------------------------
# Rectification


def _may_work_on(user, item) -> bool:
    """The owner or a recorder of the agency reports progress, starts and completes an item."""
    return item.owner_id == user.pk or has_role(user, item.agency, Role.RECORDER)


@login_required
@require_GET
def rectification_list(request):
    items = selectors.rectification_list(request.user)
    filters = RectificationFilter(request.GET, queryset=items)
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tracking/rectification_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_create": agencies_for(request.user).exists(),
            "several_agencies": len({item.agency_id for item in page}) > 1,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rectification_new(request):
    if not agencies_for(request.user).exists():
        raise PermissionDenied
    initial = {}
    found_in = request.GET.get("found_in", "")
    if found_in.isdigit():
        activity = Activity.objects.filter(scope_q(request.user), pk=found_in).first()
        if activity:
            initial = {"found_in": activity, "year": activity.date.year}
    form = RectificationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = data.pop("agency")
        item = services.rectification_create(agency=agency, by=request.user, **data)
        messages.success(request, _("The rectification item has been recorded."))
        return redirect("tracking:rectification_detail", pk=item.pk)
    return render(request, "tracking/rectification_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def rectification_edit(request, pk):
    item = selectors.get_rectification_for_user(request.user, pk)
    _require(request.user, item.agency, Role.RECORDER)
    if item.status == RectificationItem.Status.CLOSED:
        messages.error(request, _("A closed rectification item can no longer be changed."))
        return redirect("tracking:rectification_detail", pk=item.pk)
    form = RectificationForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.rectification_update(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("The rectification item has been saved."))
        return redirect("tracking:rectification_detail", pk=item.pk)
    return render(request, "tracking/rectification_form.html", {"form": form, "item": item})


def _detail_context(request, item, **forms):
    user = request.user
    may_work = _may_work_on(user, item)
    may_review = has_role(user, item.agency, Role.SECRETARY)
    Status = RectificationItem.Status
    return {
        "item": item,
        "progress": selectors.rectification_progress(item),
        "overdue": item.is_overdue(),
        "may_edit": has_role(user, item.agency, Role.RECORDER) and item.status != Status.CLOSED,
        "may_add_progress": may_work and item.status != Status.CLOSED,
        "may_start": may_work and item.status == Status.NOT_STARTED,
        "may_complete": may_work and item.status == Status.IN_PROGRESS,
        "may_reopen": may_review and item.status == Status.DONE,
        "may_close": may_review and item.status == Status.DONE,
        "progress_form": forms.get("progress_form") or ProgressForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        # Its note would otherwise share the id "id_note" (and its label) with the progress form's.
        "complete_form": forms.get("complete_form") or CompleteForm(auto_id="complete_%s"),
    }


@login_required
@require_GET
def rectification_detail(request, pk):
    item = selectors.get_rectification_for_user(request.user, pk)
    return render(request, "tracking/rectification_detail.html", _detail_context(request, item))


@login_required
@require_POST
def rectification_progress(request, pk):
    item = selectors.get_rectification_for_user(request.user, pk)
    if not _may_work_on(request.user, item):
        raise PermissionDenied
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_add_progress(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The progress has been recorded."))
        return redirect("tracking:rectification_detail", pk=item.pk)
    context = _detail_context(request, item, progress_form=form)
    return render(request, "tracking/rectification_detail.html", context, status=400)


@login_required
@require_POST
def rectification_action(request, pk, action):
    item = selectors.get_rectification_for_user(request.user, pk)
    user = request.user
    form = None
    if action in ("start", "complete"):
        if not _may_work_on(user, item):
            raise PermissionDenied
    else:
        _require(user, item.agency, Role.SECRETARY)
    try:
        if action == "start":
            services.rectification_start(item=item, by=user)
        elif action == "complete":
            form = CompleteForm(request.POST)
            form.is_valid()
            services.rectification_complete(item=item, by=user, note=form.cleaned_data.get("note", ""))
        elif action == "reopen":
            form = ReopenForm(request.POST)
            form.is_valid()
            services.rectification_reopen(item=item, by=user, reason=form.cleaned_data.get("reason", ""))
        elif action == "close":
            form = CloseForm(request.POST)
            if not form.is_valid():
                item.refresh_from_db()
                context = _detail_context(request, item, close_form=form)
                return render(request, "tracking/rectification_detail.html", context, status=400)
            services.rectification_close(item=item, by=user, evidence=form.cleaned_data["evidence"])
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The item is now “%(status)s”.") % {"status": item.get_status_display()},
        )
    return redirect("tracking:rectification_detail", pk=item.pk)


@login_required
@require_GET
def rectification_export(request):
    items = RectificationFilter(request.GET, queryset=selectors.rectification_list(request.user)).qs
    today = timezone.localdate()
    return xlsx_download(
        _("Rectification items %(date)s.xlsx") % {"date": f"{today:%Y%m%d}"},
        [selectors.rectification_sheet(items, title=_("Rectification"))],
        fallback=f"rectification-{today:%Y%m%d}.xlsx",
    )


# ---------------------------------------------------------------------------------------------
# Study points


@login_required
@require_GET
def points(request):
    agency = _org_param(request)
    _require(request.user, agency, PAGE_ROLES["points"])
    years = selectors.points_years(agency)
    year = _year_param(request, years[0] if years else None)
    members = selectors.points_by_member(agency=agency, year=year)
    return render(
        request,
        "tracking/points.html",
        {
            "agency": agency,
            "agencies": orgs_visible_to(request.user, PAGE_ROLES["points"]).filter(
                kind=Organization.Kind.AGENCY
            ),
            "year": year,
            "years": _year_choices(year, *years),
            "members": members,
            "below_count": sum(1 for row in members if row.below),
            "no_data_count": sum(1 for row in members if row.total is None),
            "may_set_threshold": has_role(request.user, agency, Role.ADMIN),
            "threshold_form": ThresholdForm(instance=agency),
        },
    )


@login_required
@require_POST
def points_threshold(request):
    agency = _org_param(request)
    _require(request.user, agency, Role.ADMIN)
    form = ThresholdForm(request.POST, instance=Organization.objects.get(pk=agency.pk))
    if form.is_valid():
        services.agency_set_points_threshold(
            agency=agency, threshold=form.cleaned_data["low_points_threshold"]
        )
        messages.success(request, _("The threshold has been saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    params = {"year": request.POST["year"]} if request.POST.get("year", "").isdigit() else {}
    return redirect(_with_org(reverse("tracking:points"), agency, **params))


# ---------------------------------------------------------------------------------------------
# Publicity


@login_required
@require_GET
def publicity_list(request):
    agency = _org_param(request)
    placements = selectors.publicity_visible_to(request.user).filter(agency=agency)
    latest = placements.order_by("-date").values_list("date", flat=True).first()
    year = _year_param(request, latest.year if latest else None)
    counts = selectors.publicity_counts_by_level(agency=agency, year=year)
    return render(
        request,
        "tracking/publicity_list.html",
        {
            "agency": agency,
            "agencies": orgs_visible_to(request.user).filter(kind=Organization.Kind.AGENCY),
            "year": year,
            "years": _year_choices(year, latest.year if latest else None),
            "counts": [(Publicity.Level(level).label, n) for level, n in counts.items()],
            "total": sum(counts.values()),
            "placements": placements.filter(date__year=year).order_by("-date", "-id"),
            "may_edit": has_role(request.user, agency, Role.RECORDER),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publicity_new(request):
    if not agencies_for(request.user).exists():
        raise PermissionDenied
    form = PublicityForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = data.pop("agency")
        placement = services.publicity_create(agency=agency, by=request.user, **data)
        messages.success(request, _("The placement has been recorded."))
        return redirect(_with_org(reverse("tracking:publicity_list"), agency, year=placement.date.year))
    return render(request, "tracking/publicity_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def publicity_edit(request, pk):
    placement = selectors.get_publicity_for_user(request.user, pk)
    _require(request.user, placement.agency, Role.RECORDER)
    form = PublicityForm(request.POST or None, instance=placement, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.publicity_update(placement=placement, **form.cleaned_data)
        messages.success(request, _("The placement has been saved."))
        return redirect(
            _with_org(reverse("tracking:publicity_list"), placement.agency, year=placement.date.year)
        )
    return render(request, "tracking/publicity_form.html", {"form": form, "placement": placement})


# ---------------------------------------------------------------------------------------------
# Study plans


@login_required
@require_GET
def plans(request):
    agency = _org_param(request)
    return render(
        request,
        "tracking/plans.html",
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
        "tracking/plan_detail.html",
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
        return redirect(_with_org(reverse("tracking:plan_detail", args=[year]), agency))
    return render(request, "tracking/plan_item_form.html", {"form": form, "agency": agency, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request, year, pk):
    item = _plan_item(request, year, pk)
    agency = item.plan.agency
    form = PlanItemForm(request.POST or None, instance=item, agency=agency, year=year)
    if request.method == "POST" and form.is_valid():
        services.plan_item_update(item=item, **form.cleaned_data)
        messages.success(request, _("The plan item has been saved."))
        return redirect(_with_org(reverse("tracking:plan_detail", args=[year]), agency))
    return render(
        request, "tracking/plan_item_form.html", {"form": form, "agency": agency, "year": year, "item": item}
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
    return render(request, "tracking/_activity_options.html", {"choices": list(field.choices)})


@login_required
@require_POST
def plan_item_delete(request, year, pk):
    item = _plan_item(request, year, pk)
    agency = item.plan.agency
    services.plan_item_delete(item=item)
    messages.success(request, _("The plan item has been deleted."))
    return redirect(_with_org(reverse("tracking:plan_detail", args=[year]), agency))


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
    return redirect(_with_org(reverse("tracking:plan_detail", args=[year]), agency))


# ---------------------------------------------------------------------------------------------
# Norms


@login_required
@require_GET
def norms(request):
    org = _org_param(request, kinds=(Organization.Kind.AGENCY, Organization.Kind.BRANCH))
    latest = selectors.latest_activity_year(org.agency or org)
    year = _year_param(request, latest)
    results = norm_results(organization=org, year=year)
    gaps = gaps_of(results)
    return render(
        request,
        "tracking/norms.html",
        {
            "org": org,
            "orgs": orgs_visible_to(request.user)
            .filter(kind__in=[Organization.Kind.AGENCY, Organization.Kind.BRANCH])
            .order_by("path"),
            "year": year,
            "years": _year_choices(year, latest),
            "results": results,
            "gaps": gaps,
            "months": [month_label(m) for m in range(1, 13)],
            "show_org": len({r.organization.pk for r in results}) > 1,
        },
    )
