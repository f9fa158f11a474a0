"""The committee's overview: one row per agency, sortable by any column, as a page and as XLSX."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from activities.selectors.norms import norm_warning_days
from reports.models import SUMMARY_STATES
from reports.selectors import overview as selectors
from reports.selectors.dashboard import percent
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import has_role
from studyportal.spreadsheet import Column, Sheet, xlsx_download

from .dashboard import _with_query, _year


def _sort(request) -> tuple[str, bool]:
    """?sort=column or ?sort=-column (descending); unknown columns sort by name."""
    value = request.GET.get("sort", "name")
    descending = value.startswith("-")
    column = value.lstrip("-")
    if column not in selectors.OVERVIEW_COLUMNS:
        return "name", False
    return column, descending


def _params(request) -> tuple[int, str, bool, str]:
    """(year, sort column, descending, search) of the overview's query string."""
    if not selectors.can_see_overview(request.user):
        raise PermissionDenied
    column, descending = _sort(request)
    return _year(request), column, descending, request.GET.get("q", "").strip()[:100]


OVERVIEW_HEADINGS = {
    "name": lambda: _("Agency"),
    "activities": lambda: pgettext("count", "Activities"),
    "central_group": lambda: _("Central group sessions"),
    "norms": lambda: _("Norms met (periods due)"),
    "amber": lambda: _("Norms due soon now"),
    "red": lambda: _("Norms just missed"),
    "attendance": lambda: _("Attendance rate"),
    "open": lambda: _("Open rectification"),
    "overdue": lambda: _("Overdue rectification"),
    "summary": lambda: _("Annual summary"),
}


@login_required
@require_GET
def overview(request):
    year, column, descending, search = _params(request)
    page = selectors.overview_page(
        request.user,
        year=year,
        number=request.GET.get("page"),
        sort=column,
        descending=descending,
        search=search,
    )
    rows = page.object_list
    headings = []
    for name, label in OVERVIEW_HEADINGS.items():
        # A click on the column sorted ascending sorts it descending, any other column ascending.
        next_sort = f"-{name}" if name == column and not descending else name
        headings.append(
            {
                "name": name,
                "label": label(),
                "url": _with_query("", year=year, sort=next_sort, q=search or None),
                "active": name == column,
                "descending": descending,
            }
        )
    dashboard_path = reverse("dashboard:index")
    # What each row prints, flat in a dict: the template looks a dict's keys up at once, where each
    # attribute of a row's objects costs it a failed key lookup first (100 rows of a dozen cells).
    table = [
        {
            "code": row.agency.code,
            "name": row.agency.name,
            "dashboard_url": _with_query(dashboard_path, org=row.agency.code, year=year),
            "activities": row.stats.activities,
            "central_group": row.stats.central_group_sessions,
            "norms": f"{row.norms_met}/{row.norms_due}" if row.norms_due else "",
            "norms_behind": row.norms_met < row.norms_due,
            "amber": row.norms_amber,
            "red": row.norms_red,
            "attendance": percent(row.stats.attendance_rate),
            "open": row.rectification.open,
            "overdue": row.rectification.overdue,
            "summary": SUMMARY_STATES[row.summary_status][0],
            "summary_badge": SUMMARY_STATES[row.summary_status][1],
        }
        for row in rows
    ]
    sort_value = f"-{column}" if descending else column
    query = {"year": year, "sort": sort_value, "q": search or None}
    return render(
        request,
        "dashboard/overview.html",
        {
            "year": year,
            "rows": table,
            "page": page,
            "search": search,
            "previous_url": _with_query("", **query, page=page.number - 1) if page.has_previous() else "",
            "next_url": _with_query("", **query, page=page.number + 1) if page.has_next() else "",
            "headings": headings,
            "sort": sort_value,
            "export_query": urlencode({key: value for key, value in query.items() if value}),
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            # The committee's own ledger of every agency's records (with background exports on,
            # the link leads to the page that prepares it).
            "ledger_org": _committee_of(request.user),
            "warning_days": norm_warning_days(),
        },
    )


def _committee_of(user):
    agency = user.agency
    if (
        agency is not None
        and agency.kind == Organization.Kind.COMMITTEE
        and has_role(user, agency, Role.ADMIN)
    ):
        return agency
    return None


@login_required
@require_GET
def overview_xlsx(request):
    year, column, descending, search = _params(request)
    rows = selectors.overview(request.user, year=year, sort=column, descending=descending, search=search)
    columns = [
        Column(_("Agency"), 28),
        Column(pgettext("count", "Activities"), 14),
        Column(_("Central group sessions"), 14),
        Column(_("Norm periods met"), 14),
        Column(_("Norm periods due"), 14),
        Column(_("Norms due soon now"), 14),
        Column(_("Norms just missed"), 14),
        Column(_("Attendance rate"), 14, "0.0%"),
        Column(_("Open rectification"), 14),
        Column(_("Overdue rectification"), 14),
        Column(_("Annual summary"), 14),
    ]
    values = (
        [
            row.agency.name,
            row.stats.activities,
            row.stats.central_group_sessions,
            row.norms_met,
            row.norms_due,
            row.norms_amber,
            row.norms_red,
            None if row.stats.attendance_rate is None else round(float(row.stats.attendance_rate), 4),
            row.rectification.open,
            row.rectification.overdue,
            str(SUMMARY_STATES[row.summary_status][0]),
        ]
        for row in rows
    )
    return xlsx_download(
        _("%(year)s overview of agencies.xlsx") % {"year": year},
        [Sheet(str(year), columns, values)],
        fallback=f"overview-{year}.xlsx",
    )
