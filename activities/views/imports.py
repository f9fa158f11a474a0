"""Importing a ledger in the browser: upload → preview of every row with its problems → confirm.

A recorder (or higher) of an agency imports for it; people lists only an administrator, since they
make accounts. The upload is kept in the database between preview and confirmation (ImportBatch), so
any process may serve the confirming request. The command `import_ledger` runs the same importer.
"""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models.functions import Length
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role, orgs_visible_to, scope_paths, scope_q
from studyportal.downloads import as_download
from studyportal.forms import ChoosePromptMixin

from ..imports.batches import (
    import_batch_approve,
    import_batch_check,
    import_batch_confirm,
    import_batch_create,
    import_batch_result,
    import_batches_waiting,
)
from ..imports.ledger import MAX_FILE_BYTES
from ..imports.rules import IMPORTERS, import_outcome, import_refusal
from ..imports.tasks import import_batch_enqueue, import_batch_running, import_in_background
from ..models import ImportBatch

IMPORTABLE_KINDS = (Organization.Kind.AGENCY, Organization.Kind.BRANCH)


class ImportForm(ChoosePromptMixin, forms.Form):
    ledger_type = forms.ChoiceField(label=gettext_lazy("Ledger type"))
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Organization")
    )
    file = forms.FileField(
        label=gettext_lazy("Ledger file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xls"}),
        help_text=gettext_lazy("CSV (UTF-8 or GB18030), .xlsx or .xls, at most 10 MB."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["ledger_type"].choices = [(key, importer.label) for key, importer in IMPORTERS.items()]
        organizations = orgs_visible_to(user, Role.RECORDER).filter(kind__in=IMPORTABLE_KINDS)
        self.fields["organization"].queryset = organizations
        if user.agency_id and not self.is_bound:
            self.fields["organization"].initial = user.agency_id

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split the ledger into smaller files.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        organization, ledger_type = cleaned.get("organization"), cleaned.get("ledger_type")
        if organization is not None and ledger_type:
            refusal = import_refusal(user=self.user, organization=organization, ledger_type=ledger_type)
            if refusal:
                self.add_error("ledger_type", refusal)
        return cleaned


def _require_recorder(user):
    if not scope_paths(user, Role.RECORDER):
        raise PermissionDenied


def _check_posted_organization(request):
    """Another agency's organization is a 404, one seen with too low a role a 403, as everywhere."""
    value = request.POST.get("organization", "")
    if not value.isdigit():
        return
    organization = get_object_or_404(orgs_visible_to(request.user), pk=int(value))
    if not has_role(request.user, organization, Role.RECORDER):
        raise PermissionDenied


def _batch_for(request, pk) -> ImportBatch:
    # The file itself is not loaded: a page polling a 10 MB upload's progress needs only its size.
    batches = (
        ImportBatch.objects.filter(
            scope_q(request.user, "organization", Role.RECORDER), created_by=request.user
        )
        .select_related("organization", "created_by")
        .defer("data")
        .annotate(size=Length("data"))
    )
    return get_object_or_404(batches, pk=pk)


# Shown when a background check or import failed or was lost; the cause is in the log and the admin.
FAILED_MESSAGE = gettext_lazy(
    "The check or import of this file did not finish, and nothing of it was imported. Try again; "
    "if it fails again, ask the administrator, who finds the cause in the log."
)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _require_recorder(request.user)
    if request.method == "POST":
        _check_posted_organization(request)
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            batch = import_batch_create(
                organization=form.cleaned_data["organization"],
                ledger_type=form.cleaned_data["ledger_type"],
                filename=upload.name,
                data=upload.read(),
                by=request.user,
            )
            return redirect("imports:preview", pk=batch.pk)
    else:
        form = ImportForm(user=request.user)
    agency = request.user.agency
    templates = [
        {
            "key": key,
            "label": importer.label,
            "columns": [column.label for column in importer.columns],
            "outcome": agency and import_outcome(user=request.user, organization=agency, ledger_type=key),
        }
        for key, importer in IMPORTERS.items()
    ]
    context = {"form": form, "templates": templates, "waiting": import_batches_waiting(request.user)}
    return render(request, "activities/import_upload.html", context)


# Problems and rows shown on one page of the preview.
PREVIEW_PAGE = 100


def _render_preview(request, batch, result, status=200):
    context = {
        "batch": batch,
        "result": result,
        "type_label": IMPORTERS[batch.ledger_type].label,
        "outcome": import_outcome(
            user=request.user, organization=batch.organization, ledger_type=batch.ledger_type
        ),
        # Both lists are paged by the same ?page=: long files show page by page, in step.
        "errors_page": Paginator(result.errors, PREVIEW_PAGE).get_page(request.GET.get("page")),
        "rows_page": Paginator(result.rows, PREVIEW_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "activities/import_preview.html", context, status=status)


def _render_progress(request, batch):
    """The page of an upload a task is checking or importing: it refreshes itself until the task is
    done (htmx replaces the status block every 2 s; without JavaScript a meta refresh reloads it)."""
    context = {"batch": batch, "type_label": IMPORTERS[batch.ledger_type].label}
    if request.headers.get("HX-Request"):
        return render(request, "activities/import_progress_status.html", context)
    return render(request, "activities/import_progress.html", context)


@login_required
@require_GET
@never_cache
def preview(request, pk):
    batch = _batch_for(request, pk)
    if import_batch_running(batch):
        return _render_progress(request, batch)
    if request.headers.get("HX-Request"):
        # The task finished while the page polled: load the whole page, preview or upload form.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:preview", args=[batch.pk])
        return response
    if batch.imported_at is not None:
        stored = import_batch_result(batch=batch)
        if stored is not None and not stored.dry_run:
            messages.success(request, stored.summary)
        else:
            messages.info(request, _("This file has been imported already."))
        return redirect("imports:upload")
    if batch.status != ImportBatch.Status.READY:
        # A task failed or was lost: what it wrote was rolled back.
        messages.error(request, FAILED_MESSAGE)
        if batch.preview is None:
            return redirect("imports:upload")
    result = import_batch_result(batch=batch)
    if result is None:
        # An upload made before previews were stored: checked once now, kept from then on.
        result = import_batch_check(batch=batch)
    return _render_preview(request, batch, result)


@login_required
@require_POST
def confirm(request, pk):
    batch = _batch_for(request, pk)
    stored = import_batch_result(batch=batch)
    if import_batch_running(batch):
        return redirect("imports:preview", pk=batch.pk)
    if import_in_background(batch.size) and stored is not None and stored.ok and batch.imported_at is None:
        # A large file is imported by a task; its page shows the progress, then the outcome. A
        # second click finds the import claimed and queues nothing.
        import_batch_enqueue(batch=batch)
        return redirect("imports:preview", pk=batch.pk)
    result = import_batch_confirm(batch=batch, by=request.user)
    if result is None:
        messages.info(request, _("This file has been imported already."))
        return redirect("imports:upload")
    if not result.ok:
        return _render_preview(request, batch, result, status=422)
    messages.success(request, result.summary)
    return redirect("imports:upload")


@login_required
@require_POST
def approve(request, pk):
    """The secretary approves every record of a recorder's import that still waits for review."""
    batches = ImportBatch.objects.filter(scope_q(request.user, "organization")).select_related("organization")
    batch = get_object_or_404(batches, pk=pk)
    if not has_role(request.user, batch.organization, Role.SECRETARY):
        raise PermissionDenied
    approved = import_batch_approve(batch=batch, by=request.user)
    messages.success(request, _("%(n)s imported records approved.") % {"n": approved})
    return redirect("imports:upload")


@login_required
@require_GET
def blank_template(request, ledger_type):
    _require_recorder(request.user)
    importer = IMPORTERS.get(ledger_type)
    if importer is None:
        raise Http404
    response = as_download(
        HttpResponse(content_type="text/csv; charset=utf-8"),
        _("%(ledger)s import template.csv") % {"ledger": importer.label},
        f"ledger-{ledger_type}.csv",
    )
    # The BOM makes Excel and WPS open the UTF-8 file with its Chinese headers intact.
    response.write("\ufeff")
    csv.writer(response).writerow([column.label for column in importer.columns])
    return response
