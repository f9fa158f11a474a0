"""Sign-in by QR code (扫码签到): the recorder shows a code, people of the agency scan it on the day."""

import datetime
from zoneinfo import ZoneInfo

import segno
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import selectors, services

SALT = "activities.sign-in"
# The day of an activity is a day in the county's time, whatever the server's zone.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


class TokenInvalid(Exception):
    pass


class TokenExpired(Exception):
    pass


def sign_in_token(activity) -> str:
    return signing.dumps({"a": activity.pk, "d": activity.date.isoformat()}, salt=SALT)


def token_expires_at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LOCAL_ZONE)


def check_token(activity, token: str, now: datetime.datetime | None = None) -> None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as bad:
        raise TokenInvalid from bad
    if not isinstance(payload, dict) or payload.get("a") != activity.pk:
        raise TokenInvalid
    # A code made before the date was moved is no longer the code of this activity's day.
    if payload.get("d") != activity.date.isoformat():
        raise TokenExpired
    if (now or timezone.now()) >= token_expires_at(activity.date):
        raise TokenExpired


@login_required
@require_GET
def activity_qr(request, pk):
    activity = selectors.get_activity_for_user(request.user, pk)
    if not services.can_show_qr(request.user, activity):
        raise PermissionDenied
    url = request.build_absolute_uri(
        reverse("activities:sign_in", kwargs={"pk": activity.pk, "token": sign_in_token(activity)})
    )
    svg = segno.make(url, error="m").svg_inline(scale=6, dark="#000", light="#fff")
    return render(
        request,
        "activities/qr.html",
        {
            "activity": activity,
            "url": url,
            # segno writes the SVG itself from the URL; nothing user-typed goes in unescaped.
            "svg": mark_safe(svg),  # noqa: S308
            # Shown as the last minute of the day (23:59), which reads better than the next day's 00:00.
            "valid_until": token_expires_at(activity.date) - datetime.timedelta(minutes=1),
        },
    )


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
        return render(
            request,
            "activities/sign_in_error.html",
            {
                "activity": activity,
                "message": _("This sign-in code is not valid. Scan the code shown at the activity again."),
            },
            status=400,
        )
    except TokenExpired:
        return render(
            request,
            "activities/sign_in_error.html",
            {
                "activity": activity,
                "message": _(
                    "This sign-in code has expired: sign-in closes at the end of the activity's day."
                ),
            },
            status=410,
        )
    agency = activity.organization.agency
    if agency is None or request.user.agency_id != agency.pk:
        raise PermissionDenied
    if request.method == "GET":
        attendance = activity.attendances.filter(person=request.user, signed_in_at__isnull=False).first()
        if attendance is None:
            return render(request, "activities/sign_in_confirm.html", {"activity": activity})
    else:
        attendance = services.activity_sign_in(activity=activity, person=request.user)
    return render(request, "activities/sign_in_done.html", {"activity": activity, "attendance": attendance})
