"""Downloads of the annual summary (Word, Markdown, HTML, the print view) and of a year's ledgers (Excel).

`?org=<code>` picks another organization in the user's scope; the default is the user's own agency.
Another agency's code is a 404 (its existence is not revealed); the Excel ledger, which names
people, is for the secretary or administrator of the scope, so staff get 403.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports import services
from reports.exporters.docx import document_to_docx
from reports.exporters.html import document_to_html
from reports.exporters.markdown import document_to_markdown
from reports.exporters.xlsx import ledger_workbook
from studyportal.accounts.models import Organization
from studyportal.accounts.scoping import Role, has_role, orgs_visible_to
from studyportal.spreadsheet import XLSX_CONTENT_TYPE

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIN_YEAR, MAX_YEAR = 2000, 2100


def _organization(request, year: int, *, kinds) -> Organization:
    """The organization asked for (or the user's agency), if the user may see it; else 404."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    code = request.GET.get("org") or (request.user.agency.code if request.user.agency_id else "")
    organization = orgs_visible_to(request.user).filter(code=code, kind__in=kinds).first()
    if organization is None:
        raise Http404
    return organization


def _summary(request, year: int):
    agency = _organization(request, year, kinds=[Organization.Kind.AGENCY])
    return agency, services.summary_document(agency=agency, year=year)


def _attachment(content, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
@login_required
def docx(request, year: int):
    _agency, document = _summary(request, year)
    return _attachment(document_to_docx(document), content_type=DOCX_TYPE, filename=f"{document.title}.docx")


@require_safe
@login_required
def markdown(request, year: int):
    _agency, document = _summary(request, year)
    return _attachment(
        document_to_markdown(document),
        content_type="text/markdown; charset=utf-8",
        filename=f"{document.title}.md",
    )


@require_safe
@login_required
def html(request, year: int):
    _agency, document = _summary(request, year)
    return _attachment(
        document_to_html(document), content_type="text/html; charset=utf-8", filename=f"{document.title}.html"
    )


@require_safe
@login_required
def print_view(request, year: int):
    agency, document = _summary(request, year)
    return render(request, "reports/print.html", {"document": document, "organization": agency, "year": year})


@require_safe
@login_required
def xlsx(request, year: int):
    organization = _organization(
        request, year, kinds=[Organization.Kind.AGENCY, Organization.Kind.COMMITTEE, Organization.Kind.BRANCH]
    )
    if not has_role(request.user, organization, Role.SECRETARY):
        raise PermissionDenied
    # Written to a temporary file (openpyxl needs a seekable target for the zip) and streamed from
    # there, so a county's year of ledgers never sits in memory.
    stream = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it when sent
    try:
        ledger_workbook(organizations=organization.subtree(), year=year, stream=stream)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    filename = _("%(organization)s %(year)s ledgers.xlsx") % {"organization": organization.name, "year": year}
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
