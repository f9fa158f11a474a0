"""Downloads of the annual summary (Word, Markdown, HTML, the print view) and of a year's ledgers (Excel).

`?org=<code>` picks another organization in the user's scope; the default is the user's own agency.
Another agency's code is a 404 (its existence is not revealed); the Excel ledger, which names
people, is for the secretary or administrator of the scope, so staff get 403.

The year's study archive (a zip, reports/archive.py) is offered the same way, for an agency or a
branch, with its index as a printable page.

With TASKS_BACKEND set, the ledger and the archive are built in the background instead
(reports/tasks.py): POST starts it, the status page follows it and offers the file, which only the
person who asked may see.
"""

import tempfile
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reports import services
from reports.archive import (
    archive_entries,
    archive_organization_kinds,
    archive_title,
    index_document,
    write_archive,
)
from reports.exporters import SUMMARY_FORMATS
from reports.exporters.xlsx import ledger_workbook
from reports.models import ExportJob
from reports.tasks import KEEP_FOR, background_exports_enabled, export_job_start
from studyportal.accounts.models import Organization
from studyportal.accounts.scoping import Role, has_role, orgs_visible_to
from studyportal.downloads import as_download
from studyportal.spreadsheet import XLSX_CONTENT_TYPE

ZIP_TYPE = "application/zip"
RECENT_JOBS = 5
FAILED_MESSAGE = gettext_lazy(
    "The export failed. Please try again; if it fails again, tell the administrator."
)


def _organization(request, year: int, *, kinds) -> Organization:
    """The organization asked for (or the user's agency), if the user may see it; else 404."""
    code = request.GET.get("org") or (request.user.agency.code if request.user.agency_id else "")
    organization = orgs_visible_to(request.user).filter(code=code, kind__in=kinds).first()
    if organization is None:
        raise Http404
    return organization


def _summary(request, year: int, *, with_sources: bool = False):
    agency = _organization(request, year, kinds=[Organization.Kind.AGENCY])
    return agency, services.summary_document(agency=agency, year=year, with_sources=with_sources)


def _attachment(content, *, content_type: str, agency, year: int, title: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    return as_download(response, f"{title}.{extension}", f"summary-{agency.code}-{year}.{extension}")


@require_safe
@login_required
def summary_export(request, year: int, fmt: str):
    """The summary as a file in one of SUMMARY_FORMATS (the URL names the format)."""
    # ?sources=1 appends to the Word file the table of sources: each figure with its records.
    with_sources = fmt == "docx" and request.GET.get("sources") == "1"
    agency, document = _summary(request, year, with_sources=with_sources)
    summary_format = SUMMARY_FORMATS[fmt]
    return _attachment(
        summary_format.write(document),
        content_type=summary_format.content_type,
        agency=agency,
        year=year,
        title=document.title,
        extension=fmt,
    )


@require_safe
@login_required
def print_view(request, year: int):
    agency, document = _summary(request, year)
    return render(request, "reports/print.html", {"document": document, "organization": agency, "year": year})


def _ledger_organization(request, year: int) -> Organization:
    organization = _organization(
        request, year, kinds=[Organization.Kind.AGENCY, Organization.Kind.COMMITTEE, Organization.Kind.BRANCH]
    )
    if not has_role(request.user, organization, Role.SECRETARY):
        raise PermissionDenied
    return organization


def _ledger_filename(organization, year: int) -> tuple[str, str]:
    """The workbook's name and its ASCII fallback."""
    name = _("%(organization)s %(year)s ledgers.xlsx") % {"organization": organization.name, "year": year}
    return name, f"ledgers-{organization.code}-{year}.xlsx"


def _ledger_methods(view):
    """GET downloads (or, with background exports, offers to prepare) the ledger; POST starts one."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        allowed = ["GET", "HEAD", "POST"] if background_exports_enabled() else ["GET", "HEAD"]
        if request.method not in allowed:
            return HttpResponseNotAllowed(allowed)
        return view(request, *args, **kwargs)

    return checked


@_ledger_methods
@login_required
def xlsx(request, year: int):
    organization = _ledger_organization(request, year)
    if background_exports_enabled():
        return _ledger_in_background(request, organization, year)
    # Written to a temporary file (the zip needs a seekable target) and streamed from
    # there, so a county's year of ledgers never sits in memory.
    stream = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it when sent
    try:
        ledger_workbook(organizations=organization.subtree(), year=year, stream=stream)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    return as_download(
        FileResponse(stream, content_type=XLSX_CONTENT_TYPE), *_ledger_filename(organization, year)
    )


def _start_in_background(request, organization, year: int, kind: str) -> HttpResponse:
    """Queues the export: a browser is sent on to the status page (303, so that reloading it does not
    start another), a client asking for JSON gets 202 with the status URL as Location."""
    job = export_job_start(user=request.user, organization=organization, year=year, kind=kind)
    status_url = reverse("exports:job", args=[job.pk])
    if _wants_json(request):
        response = JsonResponse(_job_json(job), status=202)
        response["Location"] = status_url
        return response
    response = HttpResponseRedirect(status_url)
    response.status_code = 303
    return response


def _ledger_in_background(request, organization, year: int) -> HttpResponse:
    """POST queues the export (`_start_in_background`); GET is the page that offers to start one and
    lists the person's recent ones."""
    if request.method == "POST":
        return _start_in_background(request, organization, year, ExportJob.Kind.LEDGER)
    recent = ExportJob.objects.filter(
        user=request.user, organization=organization, year=year, kind=ExportJob.Kind.LEDGER
    )[:RECENT_JOBS]
    return render(
        request,
        "reports/export_ledger.html",
        {
            "organization": organization,
            "year": year,
            "jobs": recent,
        },
    )


def _wants_json(request) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _job_for(request, pk) -> ExportJob:
    """The person's own export, while its organization is still in their scope; anyone else's is a 404."""
    job = get_object_or_404(ExportJob.objects.select_related("organization"), pk=pk, user=request.user)
    if not orgs_visible_to(request.user).filter(pk=job.organization_id).exists():
        raise Http404
    if not has_role(request.user, job.organization, Role.SECRETARY):
        raise PermissionDenied
    return job


def _job_json(job: ExportJob) -> dict:
    data = {"id": str(job.pk), "status": job.status, "status_url": reverse("exports:job", args=[job.pk])}
    if job.status == ExportJob.Status.DONE:
        data["download_url"] = reverse("exports:job_download", args=[job.pk])
    elif job.status == ExportJob.Status.FAILED:
        data["error"] = str(FAILED_MESSAGE)
    return data


@require_safe
@login_required
@never_cache
def job_status(request, pk):
    job = _job_for(request, pk)
    if _wants_json(request):
        return JsonResponse(_job_json(job))
    # htmx polls for the status block alone; without JavaScript the whole page refreshes itself.
    template = (
        "reports/export_job_status.html" if request.headers.get("HX-Request") else "reports/export_job.html"
    )
    context = {
        "job": job,
        "filename": _job_filename(job),
        **_job_urls(job),
        "failed_message": FAILED_MESSAGE,
        "kept_hours": int(KEEP_FOR.total_seconds() // 3600),
    }
    return render(request, template, context)


@require_safe
@login_required
def job_download(request, pk):
    job = _job_for(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as missing:  # cleaned up meanwhile
        raise Http404 from missing
    is_archive = job.kind == ExportJob.Kind.ARCHIVE
    return as_download(
        FileResponse(handle, content_type=ZIP_TYPE if is_archive else XLSX_CONTENT_TYPE), *_job_filename(job)
    )


def _job_urls(job: ExportJob) -> dict:
    """Where the status page leads back to, and where "Try again" posts."""
    if job.kind == ExportJob.Kind.ARCHIVE:
        return {
            "back_url": reverse("exports:archive", args=[job.year]),
            "start_url": reverse("exports:archive_zip", args=[job.year]),
        }
    url = reverse("exports:xlsx", args=[job.year])
    return {"back_url": url, "start_url": url}


def _job_filename(job: ExportJob) -> tuple[str, str]:
    if job.kind == ExportJob.Kind.ARCHIVE:
        return _archive_filename(job.organization, job.year)
    return _ledger_filename(job.organization, job.year)


# --- the year's study archive (reports/archive.py) --------------------------------------------------


def _archive_organization(request, year: int) -> Organization:
    """An agency or branch the user sees (else 404) and is secretary or administrator of (else 403):
    the archive names people, as the ledger does."""
    organization = _organization(request, year, kinds=archive_organization_kinds())
    if not has_role(request.user, organization, Role.SECRETARY):
        raise PermissionDenied
    return organization


def _archive_filename(organization, year: int) -> tuple[str, str]:
    """The zip's name and its ASCII fallback."""
    return f"{archive_title(organization, year)}.zip", f"archive-{organization.code}-{year}.zip"


@require_safe
@login_required
def archive_page(request, year: int):
    """The archive's index as a printable page, with the download (or, with background exports, the
    button that prepares it) and the archives of the agency's branches."""
    organization = _archive_organization(request, year)
    entries = archive_entries(organization=organization, year=year)
    document = index_document(organization=organization, year=year, entries=entries, others=[])
    branches = (
        orgs_visible_to(request.user).filter(
            parent=organization, kind=Organization.Kind.BRANCH, is_active=True
        )
        if organization.kind == Organization.Kind.AGENCY
        else Organization.objects.none()
    )
    jobs = (
        ExportJob.objects.filter(
            user=request.user, organization=organization, year=year, kind=ExportJob.Kind.ARCHIVE
        )[:RECENT_JOBS]
        if background_exports_enabled()
        else []
    )
    return render(
        request,
        "reports/archive.html",
        {
            "document": document,
            "organization": organization,
            "year": year,
            "branches": branches,
            "background": background_exports_enabled(),
            "jobs": jobs,
            "filename": _archive_filename(organization, year)[0],
        },
    )


@_ledger_methods
@login_required
def archive_zip(request, year: int):
    """The zip, written to a temporary file and streamed from there (memory stays bounded whatever the
    number of attachments); with background exports, POST prepares it and GET leads to the page."""
    organization = _archive_organization(request, year)
    if background_exports_enabled():
        if request.method == "POST":
            return _start_in_background(request, organization, year, ExportJob.Kind.ARCHIVE)
        return HttpResponseRedirect(f"{reverse('exports:archive', args=[year])}?org={organization.code}")
    stream = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - FileResponse closes it when sent
    try:
        write_archive(organization=organization, year=year, stream=stream)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    return as_download(FileResponse(stream, content_type=ZIP_TYPE), *_archive_filename(organization, year))
