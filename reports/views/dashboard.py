"""The secretary's dashboard and its review queue (approve or return a record in place)."""

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

from activities import kinds
from activities.filters import CENTRAL_GROUP
from activities.models import Activity, Group, RectificationItem
from activities.selectors.activity import get_activity_for_user
from activities.services.activity import APPROVE, RETURN, ActivityError, activity_review, can_approve
from reports.selectors import dashboard as selectors
from reports.selectors.overview import can_see_overview
from reports.selectors.summary import year_on_year_change
from studyportal.accounts.models import Organization
from studyportal.accounts.scoping import PAGE_ROLES, has_role, orgs_visible_to
from studyportal.params import year_param


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
            if not can_see_overview(user):
                raise PermissionDenied
            return redirect(_overview_url(year))
        if not has_role(user, organization, PAGE_ROLES["dashboard"]):
            raise PermissionDenied
    else:
        own = user.agency
        if (own is None or own.kind == Organization.Kind.COMMITTEE) and can_see_overview(user):
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
            "can_overview": can_see_overview(user),
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
    kind_labels = {kind: str(label) for kind, label in kinds.choices()}
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
    rectification_path = reverse("records:rectification_list")

    def activities(**params):
        return _with_query(activities_path, **{**approved, **params})

    def rectification(**params):
        return _with_query(rectification_path, year=year, **params)

    def kind_parts(codes):
        return [
            {
                "label": kinds.spec(kind).label,
                "value": stats.by_kind.get(kind, 0),
                "url": activities(kind=kind),
            }
            for kind in codes
        ]

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
            "parts": kind_parts(kinds.kinds_where(central_group=True)),
        },
        {
            "id": "leader-lectures",
            "label": _("Lectures given by leaders"),
            "value": stats.leader_lectures,
            "url": activities(leader="1"),
            "parts": kind_parts(kinds.kinds_where(lecture=True)),
        },
        # The kinds with a figure of their own (a field visit).
        *(
            {
                "id": spec.figure,
                "label": spec.label,
                "value": stats.count([spec.code]),
                "url": activities(kind=spec.code),
            }
            for spec in kinds.KINDS
            if spec.figure
        ),
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
            "url": _url("records:points", org=agency.code, year=year),
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
        "norms_url": _url("records:norms", org=org.code, year=year),
        "plans_url": _url("records:plans", org=agency.code, year=year),
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
