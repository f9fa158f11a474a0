"""Sign-in safety: login throttling hooks, session expiry, disabled accounts and two-factor checks.

See docs/security.md for the settings and what a deployment should set.
"""

import time

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from studyportal.accounts.scoping import RANK, highest_role

LOGIN_AT = "_login_at"
LAST_SEEN = "_last_seen"
# The session's last-seen time is rewritten at most this often: a write on every request would
# cost a database UPDATE per page for a precision nobody needs.
LAST_SEEN_RESOLUTION = 60
OTP_PENDING = "_otp_pending"  # the person has a device and has not yet entered a code
OTP_ENROL = "_otp_enrol"  # the person's role requires a device and they have none yet


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' check, applied to logins that come in through a request.

    Scripts and the test client authenticate without a request; they are not a browser that can be
    throttled by address, so they go straight on to ModelBackend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if address_locked_out(request):
            # Marked the way axes marks its own lockouts, so its middleware answers with lockout_response.
            request.axes_locked_out = True
            request.address_locked_out = True
            raise AxesBackendPermissionDenied("too many failed logins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


def address_locked_out(request) -> bool:
    """Whether the client's address has failed LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off
    time, whichever usernames it tried: one password sprayed over many accounts. Axes counts per
    username and address; this sums its rows over the usernames. The limit is well above axes' own,
    since an office may reach the portal through one address."""
    address = client_ip(request)
    if not address or not settings.AXES_ENABLED:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry the trusted proxies wrote in X-Forwarded-For."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Each trusted proxy appends the address it saw; anything left of those is the client's say.
            return hops[-count] if len(hops) >= count else hops[0]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout explained, and 429 so scripts notice too."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request, data=None, initial={"username": (credentials or {}).get("username")})
    if getattr(request, "address_locked_out", False):
        message = _(
            "Too many failed logins from this computer's address, for several accounts. "
            "Please wait %(minutes)d minutes and try again, or ask the administrator."
        )
    else:
        message = _(
            "Too many failed attempts from this computer for this account. "
            "Please wait %(minutes)d minutes and try again, or ask the administrator to unlock it."
        )
    context = {
        "form": form,
        "next": request.POST.get("next", request.GET.get("next", "")),
        "locked_out": message % {"minutes": minutes},
    }
    return render(request, "registration/login.html", context, status=429)


@receiver(user_logged_in, dispatch_uid="studyportal.security.start_session_clock")
def start_session_clock(sender, request, user, **kwargs):
    """Marks the login time and whether a second factor is still owed, in the session login writes anyway.

    Doing this once here keeps the per-request checks free of queries.
    """
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    from django_otp import user_has_device

    if user_has_device(user):
        request.session[OTP_PENDING] = True
    elif otp_required_for(user):
        request.session[OTP_ENROL] = True


def otp_required_for(user) -> bool:
    """Whether the deployment requires a second factor of this person (OTP_REQUIRED_ROLES)."""
    required = [RANK[role] for role in settings.OTP_REQUIRED_ROLES if role in RANK]
    if not required:
        return False
    role = highest_role(user)
    return role is not None and RANK[role] >= min(required)


def _to_login(request, message):
    login_url = reverse(settings.LOGIN_URL)
    next_url = request.get_full_path() if request.method == "GET" else ""
    url = f"{login_url}?{urlencode({'next': next_url})}" if next_url else login_url
    if message:
        messages.warning(request, message)
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a fragment; ask it to load the page instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionSecurityMiddleware:
    """Ends sessions that are idle too long, older than the absolute cap, or whose account is disabled.

    Django already stops an inactive account's session from authenticating (ModelBackend.get_user)
    and ends other sessions on a password change (the session hash); this also deletes the
    session row, so nothing of it lingers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            if not request.user.is_authenticated:
                # Disabled, deleted, or password changed elsewhere: the stored login is no longer good.
                session.flush()
                return _to_login(request, _("Your session has ended. Please log in again."))
            now = int(time.time())
            login_at = session.get(LOGIN_AT)
            last_seen = session.get(LAST_SEEN)
            if login_at is None or last_seen is None:
                # A session from before these checks existed: start its clocks now.
                session[LOGIN_AT] = login_at = login_at or now
                session[LAST_SEEN] = last_seen = now
            if now - last_seen > settings.SESSION_IDLE_SECONDS:
                logout(request)
                return _to_login(request, _("You were logged out after a period of inactivity."))
            if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return _to_login(request, _("Your session has expired. Please log in again."))
            if now - last_seen >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, a person with a device must give a code, and one whose role requires a
    device must enrol, before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        pending, enrol = session.get(OTP_PENDING), session.get(OTP_ENROL)
        if (pending or enrol) and request.user.is_authenticated:
            target = reverse("otp_verify" if pending else "otp_setup")
            allowed = {target, reverse("logout"), reverse("set_language")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2's own, with the message under the msgid its Chinese catalogue translates
    (5.2 renamed it, and zh-hans has no translation of the new one)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
