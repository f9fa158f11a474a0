"""The secretary's dashboard, the committee's overview (page and XLSX), and in-place review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from activities.filters import CENTRAL_GROUP
from activities.models import Activity, Group, Kind, RectificationItem
from activities.norms import norm_warning_days
from activities.selectors import get_activity_for_user
from activities.services import APPROVE, RETURN, ActivityError, activity_review, can_approve
from reports.models import SUMMARY_STATES
from reports.selectors import year_on_year_change
from studyportal.accounts.models import Organization, Role
from studyportal.accounts.scoping import PAGE_ROLES, has_role, orgs_visible_to
from studyportal.params import year_param
from studyportal.spreadsheet import Column, Sheet, xlsx_download

from . import dashboard as selectors


def _year(request) -> int:
    """?year=, or this year when absent; a year outside the portal's window is a bad request."""
    return year_param(request, default=timezone.localdate().year)


def _overview_url(year: int) -> str:
    return f"{reverse('dashboard:overview')}?{urlencode({'year': year})}"


def _chart_labels() -> dict:
    return {
        "months": [str(MONTHS[m]) for m in selectors.MONTHS],
        "groups": {group: str(label) for group, label in Group.choices},
        "rectification": {status: str(label) for status, label in RectificationItem.Status.choices},
        "activities": pgettext("count", "Activities"),
        "attendance": _("Attendance rate (%)"),
        "items": _("Items"),
    }


@login_required
@require_GET
def index(request):
    user = request.user
    year = _year(request)
    code = request.GET.get("org", "").strip()
    if code:
        # Outside the user's scope the organization does not exist for them: 404, not 403.
        organization = get_object_or_404(orgs_visible_to(user), code=code)
        if organization.kind == Organization.Kind.COMMITTEE:
            if not selectors.can_see_overview(user):
                raise PermissionDenied
            return redirect(_overview_url(year))
        if not has_role(user, organization, PAGE_ROLES["dashboard"]):
            raise PermissionDenied
    else:
        own = user.agency
        if (own is None or own.kind == Organization.Kind.COMMITTEE) and selectors.can_see_overview(user):
            return redirect(_overview_url(year))
        organization = selectors.default_dashboard_organization(user)
        if organization is None:
            raise PermissionDenied

    data = selectors.dashboard(user, organization=organization, year=year)
    years = sorted(set(data.years) | {year, timezone.localdate().year}, reverse=True)
    chart = data.chart_data()
    chart["labels"] = _chart_labels()
    detail_url = _pk_url("activities:detail")
    for activity in data.incomplete:
        activity.detail_url = detail_url(activity.pk)
    return render(
        request,
        "dashboard/index.html",
        {
            "data": data,
            "year": year,
            "years": years,
            "months": selectors.MONTHS,
            "organization": organization,
            "organizations": selectors.dashboard_organizations(user).order_by("path"),
            "chart": chart,
            "low_rate": f"{selectors.LOW_ATTENDANCE_RATE * 100:.0f}%",
            "can_overview": selectors.can_see_overview(user),
            "queue_rows": _queue_rows(user, data.queue),
            **_dashboard_links(data),
        },
    )


def _url(name: str, **params) -> str:
    return _with_query(reverse(name), **params)


def _with_query(path: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{path}?{query}" if query else path


# Any primary key: it marks where the key goes in a reversed URL.
PK_MARKER = 2147483647


def _pk_url(name: str):
    """`pk → reverse(name, args=[pk])` at the cost of one reverse(): the dashboard links each of
    dozens of rows, and reverse() costs tens of microseconds a call."""
    head, tail = reverse(name, args=[PK_MARKER]).rsplit(str(PK_MARKER), 1)
    return lambda pk: f"{head}{pk}{tail}"


def _queue_rows(user, activities) -> list[Activity]:
    """The review queue's rows with what dashboard/_queue_rows.html shows set on each, worked out
    once for all of them (get_kind_display() rebuilds every translated choice on each call)."""
    kind_labels = {kind: str(label) for kind, label in Kind.choices}
    detail_url = _pk_url("activities:detail")
    approve_url = _pk_url("dashboard:review_approve")
    return_url = _pk_url("dashboard:review_return")
    recorded_by = _("recorded by %(name)s")
    rows = list(activities)
    for activity in rows:
        activity.kind_label = kind_labels[activity.kind]
        activity.detail_url = detail_url(activity.pk)
        activity.approve_url = approve_url(activity.pk)
        activity.return_url = return_url(activity.pk)
        activity.recorded_by_label = recorded_by % {"name": str(activity.recorded_by)}
        # The queue holds what the user may review; approving also follows the four-eyes rule.
        activity.user_can_approve = can_approve(user, activity)
    return rows


def _dashboard_links(data: selectors.Dashboard) -> dict:
    """The figures, table rows and links of the page: every figure leads to the list it counts."""
    year, org, agency, stats = data.year, data.organization, data.agency, data.stats
    approved = {"year": year, "organization": org.pk, "status": Activity.Status.APPROVED}

    # Each path reversed once: the figures and tables link about thirty times to these two lists.
    activities_path = reverse("activities:list")
    rectification_path = reverse("tracking:rectification_list")

    def activities(**params):
        return _with_query(activities_path, **{**approved, **params})

    def rectification(**params):
        return _with_query(rectification_path, year=year, **params)

    # The same records as the dashboard's list: approved, of the year, lacking something.
    incomplete_url = activities(completeness="incomplete")
    group_labels = dict(Group.choices)
    status_labels = dict(RectificationItem.Status.choices)
    rect = data.rectification
    activities_figure = {
        "id": "activities",
        "label": _("Approved activities"),
        "value": stats.activities,
        "url": activities(),
    }
    if data.activities_previous_year:
        # Year on year, from the same count rows; nothing is said when the year before has no records.
        activities_figure["note"] = year_on_year_change(
            activities=stats.activities, previous=data.activities_previous_year
        )
        activities_figure["parts"] = [
            {
                "label": _("Year %(year)d") % {"year": year - 1},
                "value": data.activities_previous_year,
                "url": activities(year=year - 1),
            }
        ]
    figures = [activities_figure]
    for group in selectors.GROUPS:
        planned = data.planned.get(group, 0)
        figures.append(
            {
                "id": f"group-{group}",
                "label": group_labels[group],
                "value": stats.by_group[group],
                "url": activities(group=group),
                "note": _("planned: %(n)d") % {"n": planned} if data.planned_total else _("no plan yet"),
                "alert": stats.by_group[group] < planned,
            }
        )
    figures += [
        {
            "id": "central-group",
            "label": _("Central group sessions"),
            "value": stats.central_group_sessions,
            "url": activities(group=CENTRAL_GROUP),
            "note": _("norm: %(n)d a year") % {"n": data.central_group_norm},
            "alert": stats.central_group_sessions < data.central_group_norm,
            "parts": [
                {"label": Kind(kind).label, "value": stats.by_kind.get(kind, 0), "url": activities(kind=kind)}
                for kind in (Kind.CENTRAL_GROUP_STUDY, Kind.CENTRAL_GROUP_SEMINAR)
            ],
        },
        {
            "id": "leader-lectures",
            "label": _("Lectures given by leaders"),
            "value": stats.leader_lectures,
            "url": activities(leader="1"),
            "parts": [
                {"label": Kind(kind).label, "value": stats.by_kind.get(kind, 0), "url": activities(kind=kind)}
                for kind in (Kind.PARTY_LECTURE, Kind.GUEST_LECTURE)
            ],
        },
        {
            "id": "field-visits",
            "label": Kind.FIELD_VISIT.label,
            "value": stats.field_visits,
            "url": activities(kind=Kind.FIELD_VISIT),
        },
        {
            "id": "practice",
            "label": _("Practice activities"),
            "value": stats.practice_activities,
            "url": activities(group=Group.PRACTICE),
            "note": _("%(households)d households, %(enterprises)d enterprises reached")
            % {"households": stats.households, "enterprises": stats.enterprises},
        },
        {
            "id": "attendance",
            "label": _("Attendance rate"),
            "value": selectors.percent(stats.attendance_rate),
            "url": activities(),
            "note": _("%(present)d present of %(invited)d expected")
            % {"present": stats.present, "invited": stats.invited},
        },
        {
            "id": "low-points",
            "label": _("Members under the study-points threshold"),
            "value": data.low_points,
            "url": _url("tracking:points", org=agency.code, year=year),
            "note": _("threshold: %(n)d") % {"n": agency.low_points_threshold}
            if agency.low_points_threshold is not None
            else _("no threshold set"),
            "alert": bool(data.low_points),
        },
        {
            "id": "rectification-open",
            "label": _("Rectification items open"),
            "value": rect.open,
            "parts": [
                {"label": status_labels[s], "value": rect.by_status[s], "url": rectification(status=s)}
                for s in RectificationItem.OPEN_STATUSES
            ],
        },
        {
            "id": "rectification-overdue",
            "label": _("Rectification items overdue"),
            "value": rect.overdue,
            # Of whichever year: an item carried over is overdue all the same (activities.models.overdue_q).
            "url": _with_query(rectification_path, overdue="1"),
            "alert": bool(rect.overdue),
        },
        {
            "id": "rectification-closed",
            "label": _("Rectification items completed"),
            "value": rect.closed,
            "parts": [
                {"label": status_labels[s], "value": rect.by_status[s], "url": rectification(status=s)}
                for s in (RectificationItem.Status.DONE, RectificationItem.Status.CLOSED)
            ],
        },
        {
            "id": "awaiting-review",
            "label": _("Records awaiting review"),
            "value": data.awaiting_review,
            "url": _with_query(activities_path, organization=org.pk, status=Activity.Status.SUBMITTED),
            "alert": bool(data.awaiting_review),
        },
        {
            "id": "incomplete",
            "label": _("Records to complete"),
            "value": data.incomplete_count,
            "url": incomplete_url,
            "alert": bool(data.incomplete_count),
        },
        {
            "id": "norm-gaps",
            "label": _("Norm gaps so far"),
            "value": data.norm_gap_count,
            "url": "#norms",
            "alert": bool(data.norm_gap_count),
        },
    ]
    month_group_rows = [
        {
            "label": group_labels[group],
            "values": [month.by_group[group] for month in stats.months],
            "total": stats.by_group[group],
        }
        for group in selectors.GROUPS
    ]
    rectification_rows = [
        {"label": status_labels[s], "value": rect.by_status[s], "url": rectification(status=s)}
        for s in RectificationItem.Status.values
    ] + [{"label": _("Overdue"), "value": rect.overdue, "url": rectification(overdue="1")}]
    plan_rows = [
        {
            "label": group_labels[group],
            "done": stats.by_group[group],
            "planned": data.planned.get(group, 0),
            "behind": stats.by_group[group] < data.planned.get(group, 0),
            "url": activities(group=group),
        }
        for group in selectors.GROUPS
    ]
    low_attendance_rows = [
        {
            "name": person.name,
            "position": person.position,
            "present": person.present,
            "on_leave": person.on_leave,
            "absent": person.absent,
            "rate_display": selectors.percent(person.attendance_rate),
            "url": activities(person=person.person_id),
        }
        for person in data.low_attendance
    ]
    return {
        "figures": figures,
        "month_group_rows": month_group_rows,
        "attendance_cells": [selectors.percent(month.attendance_rate) for month in stats.months],
        "rectification_rows": rectification_rows,
        "plan_rows": plan_rows,
        "low_attendance_rows": low_attendance_rows,
        "queue_url": _with_query(activities_path, organization=org.pk, status=Activity.Status.SUBMITTED),
        "incomplete_url": incomplete_url,
        "norms_url": _url("tracking:norms", org=org.code, year=year),
        "plans_url": _url("tracking:plans", org=agency.code, year=year),
    }


def _queue_row(request, activity, *, message="", done=False):
    if done and not message:
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {"title": activity.title, "status": activity.get_status_display()},
        )
    if not request.headers.get("HX-Request"):
        # Without JavaScript the form posts normally: say what happened and go back to the dashboard.
        if message:
            messages.warning(request, message)
        agency = activity.organization.agency or activity.organization
        return redirect(f"{_url('dashboard:index', org=agency.code)}#queue")
    return render(
        request,
        "dashboard/_queue_rows.html",
        {"queue_rows": _queue_rows(request.user, [activity]), "message": message, "done": done},
    )


def _review(request, pk, decision):
    """The queue's approve and return buttons: the record's own lookup and review service."""
    activity = get_activity_for_user(request.user, pk)
    try:
        activity = activity_review(
            activity=activity, by=request.user, decision=decision, comment=request.POST.get("comment", "")
        )
    except ActivityError as error:
        activity.refresh_from_db()
        done = activity.status != Activity.Status.SUBMITTED
        return _queue_row(request, activity, message=error.message, done=done)
    return _queue_row(request, activity, done=True)


@login_required
@require_POST
def review_approve(request, pk):
    return _review(request, pk, APPROVE)


@login_required
@require_POST
def review_return(request, pk):
    return _review(request, pk, RETURN)


def _sort(request) -> tuple[str, bool]:
    """?sort=column or ?sort=-column (descending); unknown columns sort by name."""
    value = request.GET.get("sort", "name")
    descending = value.startswith("-")
    column = value.lstrip("-")
    if column not in selectors.OVERVIEW_COLUMNS:
        return "name", False
    return column, descending


def _overview_rows(request):
    if not selectors.can_see_overview(request.user):
        raise PermissionDenied
    year = _year(request)
    column, descending = _sort(request)
    rows = selectors.overview(request.user, year=year, sort=column, descending=descending)
    return year, column, descending, rows


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
    year, column, descending, rows = _overview_rows(request)
    headings = []
    for name, label in OVERVIEW_HEADINGS.items():
        # A click on the column sorted ascending sorts it descending, any other column ascending.
        next_sort = f"-{name}" if name == column and not descending else name
        headings.append(
            {
                "name": name,
                "label": label(),
                "url": "?" + urlencode({"year": year, "sort": next_sort}),
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
            "attendance": selectors.percent(row.stats.attendance_rate),
            "open": row.rectification.open,
            "overdue": row.rectification.overdue,
            "summary": SUMMARY_STATES[row.summary_status][0],
            "summary_badge": SUMMARY_STATES[row.summary_status][1],
        }
        for row in rows
    ]
    sort_value = f"-{column}" if descending else column
    return render(
        request,
        "dashboard/overview.html",
        {
            "year": year,
            "rows": table,
            "headings": headings,
            "sort": sort_value,
            "export_query": urlencode({"year": year, "sort": sort_value}),
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
    year, _column, _descending, rows = _overview_rows(request)
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
