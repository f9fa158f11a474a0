"""Pages for rectification items.

Another agency's object is a 404, a role too low a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyportal.accounts.models import Role
from studyportal.accounts.scoping import has_role, scope_q
from studyportal.spreadsheet import xlsx_download

from ..forms.records import agencies_for
from ..forms.rectification import (
    CloseForm,
    CompleteForm,
    ProgressForm,
    RectificationFilter,
    RectificationForm,
    ReopenForm,
)
from ..models import Activity, RectificationItem
from ..selectors import rectification as selectors
from ..services import rectification as services
from .records import _require


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
        "records/rectification_list.html",
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
        return redirect("records:rectification_detail", pk=item.pk)
    return render(request, "records/rectification_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def rectification_edit(request, pk):
    item = selectors.get_rectification_for_user(request.user, pk)
    _require(request.user, item.agency, Role.RECORDER)
    if item.status == RectificationItem.Status.CLOSED:
        messages.error(request, _("A closed rectification item can no longer be changed."))
        return redirect("records:rectification_detail", pk=item.pk)
    form = RectificationForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.rectification_update(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("The rectification item has been saved."))
        return redirect("records:rectification_detail", pk=item.pk)
    return render(request, "records/rectification_form.html", {"form": form, "item": item})


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
    return render(request, "records/rectification_detail.html", _detail_context(request, item))


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
        return redirect("records:rectification_detail", pk=item.pk)
    context = _detail_context(request, item, progress_form=form)
    return render(request, "records/rectification_detail.html", context, status=400)


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
                return render(request, "records/rectification_detail.html", context, status=400)
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
    return redirect("records:rectification_detail", pk=item.pk)


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
