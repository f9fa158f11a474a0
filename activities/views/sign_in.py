"""Sign-in by QR code (扫码签到): the recorder shows a code on the meeting-room screen, people of the
agency scan it on the day.

The code changes every ROTATE_SECONDS: it carries the number of its time window, signed, so a code
photographed and forwarded stops working once the screen shows the next one (GRACE_SECONDS later, for
someone who scanned just as it changed). Beside the code the screen lists who has and has not signed
in, refreshed by htmx, and the recorder marks people present, on leave or absent from there
(`services.attendance_mark`, which keeps the count rows exact). Sign-in closes at the end of the
activity's day, or earlier when the record is submitted for review or approved; after that no code is
offered, and the recorder may still mark people on the list.
"""

import datetime

import segno
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from studyportal.accounts.models import User

from ..models import Attendance
from ..selectors import activity as selectors
from ..services import activity as services

SALT = "activities.sign-in"
ROTATE_SECONDS = 180
GRACE_SECONDS = 30
# The screen asks for the code this often, so it shows a new code within seconds of the change.
CODE_REFRESH_SECONDS = 10
ROSTER_REFRESH_SECONDS = 5


class TokenInvalid(Exception):
    pass


class TokenExpired(Exception):
    """The code is no longer valid: `closed` (the reason, for the user) when sign-in has closed, else
    the screen shows a newer code."""

    def __init__(self, *, closed: str | None):
        super().__init__()
        self.closed = closed


def _window(now: datetime.datetime) -> int:
    return int(now.timestamp()) // ROTATE_SECONDS


def sign_in_token(activity, now: datetime.datetime | None = None) -> str:
    return signing.dumps(
        {"a": activity.pk, "d": activity.date.isoformat(), "w": _window(now or timezone.now())}, salt=SALT
    )


def check_token(activity, token: str, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as bad:
        raise TokenInvalid from bad
    if not isinstance(payload, dict) or payload.get("a") != activity.pk:
        raise TokenInvalid
    closed = services.sign_in_closed_reason(activity, now)
    if closed:
        raise TokenExpired(closed=closed)
    # A code made before the date was moved is no longer the code of this activity's day.
    if payload.get("d") != activity.date.isoformat():
        raise TokenExpired(
            closed=_("This sign-in code has expired: sign-in closes at the end of the activity's day.")
        )
    window = payload.get("w")
    if not isinstance(window, int) or window > _window(now):
        raise TokenInvalid
    replaced_at = (window + 1) * ROTATE_SECONDS
    if now.timestamp() >= replaced_at + GRACE_SECONDS:
        raise TokenExpired(closed=None)


def _screen_activity(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    if not services.can_show_qr(request.user, activity):
        raise PermissionDenied
    return activity


def _code_context(request, activity) -> dict:
    now = timezone.now()
    if not services.sign_in_open(activity, now):
        day_over = now >= services.sign_in_closes_at(activity.date)
        return {"activity": activity, "closed": True, "day_over": day_over}
    url = request.build_absolute_uri(
        reverse("activities:sign_in", kwargs={"pk": activity.pk, "token": sign_in_token(activity, now)})
    )
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    changes_at = datetime.datetime.fromtimestamp(
        (_window(now) + 1) * ROTATE_SECONDS, tz=datetime.timezone.utc
    )
    return {
        "activity": activity,
        "url": url,
        # segno writes the SVG itself from the URL; nothing user-typed goes in unescaped.
        "svg": mark_safe(svg),  # noqa: S308
        "changes_at": timezone.localtime(changes_at),
        "rotate_minutes": ROTATE_SECONDS // 60,
        "refresh_seconds": CODE_REFRESH_SECONDS,
        # Shown as the last minute of the day (23:59), which reads better than the next day's 00:00.
        "valid_until": services.sign_in_closes_at(activity.date) - datetime.timedelta(minutes=1),
    }


def _roster_context(request, activity) -> dict:
    return {
        "activity": activity,
        "roster": selectors.sign_in_roster(activity),
        "can_mark": services.can_edit(request.user, activity),
        "statuses": Attendance.Status.choices,
        "refresh_seconds": ROSTER_REFRESH_SECONDS,
    }


@login_required
@require_GET
def activity_qr(request, pk):
    """The meeting-room screen: the current code and the live list beside it."""
    activity = _screen_activity(request, pk)
    context = {**_code_context(request, activity), **_roster_context(request, activity)}
    return render(request, "activities/qr.html", context)


@login_required
@require_GET
@never_cache
def activity_qr_code(request, pk):
    """The code block alone, asked for by the screen every few seconds (htmx)."""
    activity = _screen_activity(request, pk)
    return render(request, "activities/_qr_code.html", _code_context(request, activity))


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def activity_roster(request, pk):
    """GET: the live list alone (htmx). POST: the recorder marks one person; htmx gets the list back,
    a browser without JavaScript is sent back to the screen."""
    activity = _screen_activity(request, pk)
    if request.method == "POST":
        person = get_object_or_404(User, pk=request.POST.get("person") or 0)
        try:
            services.attendance_mark(
                activity=activity, person=person, status=request.POST.get("status", ""), by=request.user
            )
        except services.ActivityError as error:
            context = {**_roster_context(request, activity), "error": str(error)}
            return render(request, "activities/_roster.html", context, status=400)
        activity.refresh_from_db()
        if request.headers.get("HX-Request") != "true":
            return redirect("activities:qr", pk=activity.pk)
    return render(request, "activities/_roster.html", _roster_context(request, activity))


@login_required
@require_http_methods(["GET", "POST"])
def activity_sign_in(request, pk, token):
    """GET shows the activity and a sign-in button; only the POST marks the person present, so a
    chat app's link preview or a browser's prefetch of the link signs nobody in."""
    # An activity is signed in to while still a draft: the code, not the draft rule, admits the person.
    activity = selectors.get_activity_for_user(request.user, pk, drafts_of_others=True)
    try:
        check_token(activity, token)
    except TokenInvalid:
        return _refused(
            request,
            activity,
            _("This sign-in code is not valid. Scan the code shown at the activity again."),
            status=400,
        )
    except TokenExpired as expired:
        if expired.closed:
            message = expired.closed
        else:
            message = _(
                "This sign-in code has changed: the code on the meeting-room screen changes every few "
                "minutes. Scan the code shown there now."
            )
        return _refused(request, activity, message, status=410)
    agency = activity.organization.agency
    if agency is None or request.user.agency_id != agency.pk:
        raise PermissionDenied
    if request.method == "GET":
        attendance = activity.attendances.filter(person=request.user, signed_in_at__isnull=False).first()
        if attendance is None:
            return render(request, "activities/sign_in_confirm.html", {"activity": activity})
    else:
        try:
            attendance = services.activity_sign_in(activity=activity, person=request.user)
        except services.ActivityError as error:  # e.g. sign-in closed once the record was submitted
            return _refused(request, activity, str(error), status=409)
    return render(request, "activities/sign_in_done.html", {"activity": activity, "attendance": attendance})


def _refused(request, activity, message: str, *, status: int):
    return render(
        request,
        "activities/sign_in_error.html",
        {
            "activity": activity,
            "message": message,
            "can_show_qr": services.can_show_qr(request.user, activity),
        },
        status=status,
    )
