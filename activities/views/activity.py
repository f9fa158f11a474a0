# One module though long: the pages of one activity's life (list, form, detail, review, attachments,
# calendar, my record) share `_decorate` (what the user may do with a record) and the review response.
"""Pages for recording and reviewing activities: list, new, detail, edit, review actions, attachments,
calendar and "my record". Thin: parse the request, call a selector or a service, render."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import people_managed_by, sees_whole_tree
from studyportal.downloads import as_download
from studyportal.params import month_param, year_param

from .. import kinds
from ..filters import ActivityFilter
from ..forms.activity import ActivityForm, AttachmentForm, ReturnForm
from ..models import Activity
from ..selectors import activity as selectors
from ..services import activity as services

PAGE_SIZE = 20


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _decorate(user, activity):
    """What the user may do with the record, for the templates (no query: roles are cached)."""
    activity.user_can_edit = services.can_edit(user, activity)
    activity.user_can_submit = services.can_submit(user, activity)
    activity.user_can_review = (
        services.can_review(user, activity) and activity.status == Activity.Status.SUBMITTED
    )
    activity.user_can_approve = activity.user_can_review and services.can_approve(user, activity)
    activity.user_can_show_qr = services.can_show_qr(user, activity) and services.sign_in_open(activity)
    return activity


# --- list ------------------------------------------------------------------------------------


@login_required
@require_GET
def activity_list(request):
    filterset = ActivityFilter(
        request.GET or None, queryset=selectors.activity_list_rows(request.user), request=request
    )
    # Unfiltered and over every agency: the list's own index serves its order from either end, and
    # holds its rows, so that a city's count may be PostgreSQL's estimate (labelled so).
    whole_list = not filterset.form.has_changed() and sees_whole_tree(request.user)
    page = selectors.activity_page(
        filterset.qs,
        request.GET.get("page"),
        PAGE_SIZE,
        from_either_end=whole_list,
        # Only where the list is every record not deleted, drafts included: the index's own rows.
        may_estimate=whole_list and sees_whole_tree(request.user, Role.RECORDER),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    rows = [_decorate(request.user, row) for row in page.object_list]
    query = request.GET.copy()
    for name in ("page", "after", "before"):
        query.pop(name, None)
    return render(
        request,
        "activities/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            **_pager_links(page, rows, query),
            "return_form": ReturnForm(),
        },
    )


def _pager_links(page, rows, query) -> dict:
    """The pager's "previous" and "next" queries. In the list's own orders by date they carry the key
    of the page's first or last row, so that the next page is sought from it rather than stepped to
    past every row before it (page 70,000 of a city costs what page 2 does); `page` still says which
    page it is. The first page needs no key."""
    seek = page.seek if rows else None

    def link(number, key_name, row):
        params = query.copy()
        params["page"] = number
        if seek and number > 1:
            params[key_name] = selectors.page_key(row, seek[0])
        return params.urlencode()

    return {
        "previous_query": link(page.previous_page_number(), "before", rows and rows[0])
        if page.has_previous()
        else "",
        "next_query": link(page.next_page_number(), "after", rows and rows[-1]) if page.has_next() else "",
    }


# --- new / edit ------------------------------------------------------------------------------


def _chosen_agency(request, organizations):
    """The agency the new record is for: ?org=, else the user's own, else the first one allowed."""
    wanted = request.GET.get("org") or request.POST.get("organization")
    if wanted and str(wanted).isdigit():
        organization = organizations.filter(pk=wanted).first()
        if organization is not None:
            return organization.agency
    if request.user.agency_id and organizations.filter(pk=request.user.agency_id).exists():
        return request.user.agency
    first = organizations.order_by("path").first()
    return first.agency if first else None


def _initial_organization(user, organizations, kind):
    # The central group (中心组) is the agency's leadership: its sessions are the agency's, not a branch's.
    preferred = (user.branch_id, user.agency_id)
    if kinds.spec(kind).central_group:
        preferred = preferred[::-1]
    for candidate in preferred:
        if candidate and any(org.pk == candidate for org in organizations):
            return candidate
    return organizations[0].pk if organizations else None


def _save_files(form, activity, user):
    for upload in form.cleaned_data.get("files") or []:
        services.attachment_add(activity=activity, by=user, file=upload, kind=form.cleaned_data["file_kind"])


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    allowed = selectors.recordable_organizations(request.user)
    agency = _chosen_agency(request, allowed)
    if agency is None:
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    if kinds.get(kind) is None:
        agencies = Organization.objects.filter(
            pk__in=[org.agency.pk for org in allowed.select_related("parent") if org.agency]
        )
        return render(
            request,
            "activities/kind_picker.html",
            {"groups": kinds.by_group(), "agency": agency, "agencies": agencies},
        )
    organizations = list(allowed.filter(path__startswith=agency.path).order_by("path"))
    people = selectors.people_for_picker(agency)
    form_kwargs = {
        "kind": kind,
        "organizations": allowed.filter(path__startswith=agency.path),
        "people": people,
    }
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                with transaction.atomic():
                    activity = services.activity_create(
                        by=request.user,
                        kind=kind,
                        attendance=form.cleaned_attendance,
                        materials=form.material_titles(),
                        **form.service_fields(),
                    )
                    _save_files(form, activity, request.user)
            except services.ActivityError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The record was saved as a draft. Submit it for review when it is complete.")
                )
                return redirect("activities:detail", pk=activity.pk)
    else:
        form = ActivityForm(
            initial={
                "organization": _initial_organization(request.user, organizations, kind),
                "date": timezone.localdate(),
            },
            **form_kwargs,
        )
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": kinds.spec(kind).label,
            "agency": agency,
            "activity": None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    if not services.can_edit(request.user, activity):
        raise PermissionDenied
    agency = activity.organization.agency
    if request.method == "GET" and request.GET.get("choose"):
        # The kind was chosen wrongly: the same picker as for a new record, leading back here.
        return render(
            request,
            "activities/kind_picker.html",
            {"groups": kinds.by_group(), "agency": agency, "activity": activity},
        )
    # ?kind= shows the form of another kind; the record takes it when the form is saved.
    kind = request.GET.get("kind", activity.kind)
    if kinds.get(kind) is None:
        kind = activity.kind
    form_kwargs = {
        "kind": kind,
        "organizations": selectors.recordable_organizations(request.user).filter(
            path__startswith=agency.path
        ),
        "people": selectors.people_for_picker(agency),
        "instance": activity,
    }
    if request.method == "POST":
        form = ActivityForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.activity_update(
                        activity=activity,
                        by=request.user,
                        attendance=form.cleaned_attendance,
                        materials=form.material_titles(),
                        seen_updated_at=form.cleaned_data.get("seen_updated_at"),
                        **form.service_fields(),
                        **({"kind": kind} if kind != activity.kind else {}),
                    )
                    _save_files(form, activity, request.user)
            except services.ActivityError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("activities:detail", pk=activity.pk)
    else:
        form = ActivityForm(**form_kwargs)
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": kinds.spec(kind).label,
            "agency": agency,
            "activity": activity,
        },
    )


# --- detail and review -----------------------------------------------------------------------


@login_required
@require_GET
def activity_detail(request, pk):
    activity = _decorate(request.user, selectors.get_activity_for_user(request.user, pk))
    context = {
        "activity": activity,
        "history": selectors.activity_history(activity),
        "attachment_form": AttachmentForm(),
        "return_form": ReturnForm(),
        **selectors.activity_detail_parts(activity),
    }
    return render(request, "activities/detail.html", context)


def _review_response(request, activity, error=None, return_form=None):
    """After a review action: the updated fragment for htmx, otherwise back to where the user was."""
    if _is_htmx(request):
        activity = _decorate(request.user, selectors.get_activity_for_user(request.user, activity.pk))
        template = (
            "activities/_row.html"
            if request.POST.get("fragment") == "row"
            else "activities/_review_panel.html"
        )
        return render(
            request,
            template,
            {
                "activity": activity,
                "row": activity,
                "error": error,
                "return_form": return_form or ReturnForm(),
            },
        )
    if error:
        messages.error(request, error)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/activities/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("activities:detail", pk=activity.pk)


def _review_action(request, pk, action, success_message):
    activity = selectors.get_activity_for_user(request.user, pk)
    try:
        activity = action(activity)
    except services.ActivityError as error:
        return_form = ReturnForm(request.POST) if "comment" in request.POST else None
        return _review_response(request, activity, error=error.message, return_form=return_form)
    messages.success(request, success_message)
    return _review_response(request, activity)


@login_required
@require_POST
def activity_submit(request, pk):
    return _review_action(
        request,
        pk,
        lambda activity: services.activity_submit(activity=activity, by=request.user),
        _("The record was submitted for review."),
    )


@login_required
@require_POST
def activity_approve(request, pk):
    return _review(request, pk, services.APPROVE, _("The record was approved."))


def _review(request, pk, decision, success_message):
    def review(activity):
        return services.activity_review(
            activity=activity, by=request.user, decision=decision, comment=request.POST.get("comment", "")
        )

    return _review_action(request, pk, review, success_message)


@login_required
@require_POST
def activity_return(request, pk):
    return _review(request, pk, services.RETURN, _("The record was returned with your comment."))


@login_required
@require_POST
def activity_delete(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    services.activity_delete(activity=activity, by=request.user)
    messages.success(request, _("The record was deleted."))
    return redirect("activities:list")


# --- attachments -----------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    if not services.can_edit(request.user, activity):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with transaction.atomic():
            for upload in form.cleaned_data["files"]:
                services.attachment_add(
                    activity=activity, by=request.user, file=upload, kind=form.cleaned_data["kind"]
                )
        messages.success(request, _("The files were attached."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("activities:detail", args=[pk]) + "#attachments")


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = selectors.get_attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = as_download(
        FileResponse(handle, content_type=attachment.content_type), attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- calendar and my record ------------------------------------------------------------------


@login_required
@require_GET
def activity_calendar(request):
    today = timezone.localdate()
    year = year_param(request, default=today.year)
    month = month_param(request, default=today.month)
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    return render(
        request,
        "activities/calendar.html",
        {
            **selectors.calendar_month(request.user, year, month),
            "year": year,
            "month": month,
            "today": today,
            "previous": previous,
            "following": following,
        },
    )


@login_required
@require_GET
def my_record(request):
    return _record_page(request, request.user)


@login_required
@require_GET
def person_record(request, pk):
    """A person's year (activities by group, hours, points) for their secretary or administrator: the
    page the person sees as "My study record"."""
    person = get_object_or_404(people_managed_by(request.user).select_related("agency", "branch"), pk=pk)
    return _record_page(request, person)


def _record_page(request, person):
    years = selectors.my_record_years(person)
    today = timezone.localdate()
    default_year = today.year if (today.year in years or not years) else years[0]
    year = year_param(request, default=default_year)
    return render(
        request,
        "activities/my_record.html",
        {"year": year, "years": years, "person": person, **selectors.my_record(person, year)},
    )
