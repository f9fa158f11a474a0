"""The annual summary pages: the list of summaries in the user's scope, and one summary as a draft.

Anyone with a role on the agency may read its summary (staff see what will be reported about the work
they recorded); the agency's secretary or an admin edits, regenerates and finalizes it; only an admin
reopens a final one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.models import Activity
from reports import services
from reports.forms import SectionForm
from reports.models import Summary
from reports.summary import ACHIEVEMENT_KEYS, ACHIEVEMENTS_HEADING, SECTIONS, sentence_changes, summary_title
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import agencies_visible_to, has_role, scope_q


def _agency(request) -> Organization | None:
    """The agency asked for with ?org=, else the user's own; another agency's code is a 404."""
    code = request.GET.get("org", "").strip()
    if code:
        return get_object_or_404(agencies_visible_to(request.user), code=code)
    agency = request.user.agency
    if agency is not None and agency.kind == Organization.Kind.AGENCY and has_role(request.user, agency):
        return agency
    return None


def _checked(request, year: int, key: str | None = None, min_role: str = Role.STAFF) -> Organization:
    # The year is one of the window already (`<year:year>`, studyportal.params).
    if key is not None and key not in SECTIONS:
        raise Http404
    agency = _agency(request)
    if agency is None:
        raise Http404
    if not has_role(request.user, agency, min_role):
        raise PermissionDenied
    return agency


def _summary_url(agency, year, anchor=""):
    return f"{reverse('reports:summary', args=[year])}?org={agency.code}{anchor}"


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _section_context(request, agency, year, section, summary):
    can_edit = has_role(request.user, agency, Role.SECRETARY) and not (summary and summary.is_final)
    return {
        "agency": agency,
        "year": year,
        "section": section,
        "label": SECTIONS[section.key].label,
        "changes": sentence_changes(section.previous_generated, section.fresh_text)
        if section.changed
        else [],
        "can_edit": can_edit,
    }


def _render_section(request, agency, year, key):
    summary = services.summary_get(agency=agency, year=year)
    sections = services.summary_sections(agency=agency, year=year, summary=summary)
    section = next(section for section in sections if section.key == key)
    context = _section_context(request, agency, year, section, summary)
    # The page's state badge follows: the first edit or regeneration stores the draft.
    context.update(state_oob=True, summary_status=summary.status if summary else "")
    return render(request, "reports/_section.html", context)


@login_required
@require_GET
def index(request):
    agencies = list(agencies_visible_to(request.user).filter(is_active=True).order_by("path"))
    years = {day.year for day in Activity.objects.alive().filter(scope_q(request.user)).dates("date", "year")}
    states = {
        (agency_id, year): status
        for agency_id, year, status in Summary.objects.filter(agency__in=agencies).values_list(
            "agency_id", "year", "status"
        )
    }
    years |= {year for _agency_id, year in states}
    years.add(timezone.localdate().year)
    rows = [
        {
            "year": year,
            "agencies": [
                {"agency": agency, "state": states.get((agency.pk, year), "none")} for agency in agencies
            ],
        }
        for year in sorted(years, reverse=True)
    ]
    return render(request, "reports/index.html", {"rows": rows, "agencies": agencies})


@login_required
@require_GET
def summary(request, year):
    if not request.GET.get("org") and _agency(request) is None:
        # A committee member has no agency of their own: they pick one from the list.
        return redirect("reports:index")
    agency = _checked(request, year)
    stored = services.summary_get(agency=agency, year=year)
    sections = services.summary_sections(agency=agency, year=year, summary=stored)
    is_final = stored is not None and stored.is_final
    can_edit = has_role(request.user, agency, Role.SECRETARY) and not is_final
    context = {
        "agency": agency,
        "year": year,
        "summary": stored,
        "is_final": is_final,
        "title": stored.final_title
        if is_final and stored.final_title
        else summary_title(agency=agency, year=year),
        "sections": [_section_context(request, agency, year, section, stored) for section in sections],
        "can_edit": can_edit,
        "can_reopen": is_final and has_role(request.user, agency, Role.ADMIN),
        # The archive names people, as the ledger does: the secretary's or administrator's.
        "can_export_archive": has_role(request.user, agency, Role.SECRETARY),
        "changed_count": sum(1 for section in sections if section.changed),
        "achievements_key": ACHIEVEMENT_KEYS[0],
        "achievements_heading": ACHIEVEMENTS_HEADING,
        "agencies": list(agencies_visible_to(request.user).filter(is_active=True).order_by("path")),
    }
    return render(request, "reports/summary.html", context)


@login_required
@require_GET
def section(request, year, key):
    agency = _checked(request, year, key)
    return _render_section(request, agency, year, key)


def _refuse_if_final(agency, year):
    stored = Summary.objects.filter(agency=agency, year=year).first()
    if stored is not None and stored.is_final:
        raise PermissionDenied(
            _("This summary is final; an administrator must reopen it before it can be changed.")
        )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request, year, key):
    agency = _checked(request, year, key, Role.SECRETARY)
    _refuse_if_final(agency, year)
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            services.summary_section_edit(
                agency=agency, year=year, key=key, text=form.cleaned_data["text"], by=request.user
            )
            messages.success(request, _("The section has been saved."))
            if _is_htmx(request):
                return _render_section(request, agency, year, key)
            return redirect(_summary_url(agency, year, f"#section-{key}"))
    else:
        current = next(
            section
            for section in services.summary_sections(
                agency=agency, year=year, summary=services.summary_get(agency=agency, year=year)
            )
            if section.key == key
        )
        form = SectionForm(initial={"text": current.text})
    context = {"agency": agency, "year": year, "key": key, "label": SECTIONS[key].label, "form": form}
    template = "reports/_section_form.html" if _is_htmx(request) else "reports/section_edit.html"
    return render(request, template, context)


@login_required
@require_POST
def section_regenerate(request, year, key):
    agency = _checked(request, year, key, Role.SECRETARY)
    _refuse_if_final(agency, year)
    services.summary_section_regenerate(agency=agency, year=year, key=key, by=request.user)
    messages.success(request, _("The section has been regenerated from the records."))
    if _is_htmx(request):
        return _render_section(request, agency, year, key)
    return redirect(_summary_url(agency, year, f"#section-{key}"))


@login_required
@require_POST
def finalize(request, year):
    agency = _checked(request, year, min_role=Role.SECRETARY)
    _refuse_if_final(agency, year)
    services.summary_finalize(agency=agency, year=year, by=request.user)
    messages.success(request, _("The summary is final: later changes to the records no longer change it."))
    return redirect(_summary_url(agency, year))


@login_required
@require_POST
def reopen(request, year):
    agency = _checked(request, year, min_role=Role.ADMIN)
    stored = get_object_or_404(Summary, agency=agency, year=year, status=Summary.Status.FINAL)
    services.summary_reopen(agency=stored.agency, year=year, by=request.user)
    messages.success(request, _("The summary has been reopened as a draft."))
    return redirect(_summary_url(agency, year))
