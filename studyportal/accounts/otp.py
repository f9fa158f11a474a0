"""Two-factor sign-in with an authenticator app (TOTP, django-otp) and one-time backup codes.

Enrolment shows a QR code; the device counts only once the person has typed a code from it.
After the password, studyportal.security.TwoFactorMiddleware sends a person with a device here for
the code, and a person whose role requires a device (OTP_REQUIRED_ROLES) to enrolment.
"""

import secrets
from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from studyportal.security import OTP_ENROL, OTP_PENDING

BACKUP_CODE_COUNT = 8


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default) if default else ""


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms a new device when the code matches; returns fresh backup codes, or None."""
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    backup, _created = StaticDevice.objects.get_or_create(user=device.user, name="backup")
    backup.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(device=device, token=form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            request.session.pop(OTP_ENROL, None)
            request.session.pop(OTP_PENDING, None)
            messages.success(request, _("Two-factor sign-in is now on for your account."))
            return render(request, "otp/backup_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", _("The code is not correct. Check the time on your phone and try again."))
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": b32encode(device.bin_key).decode(),
        "enrolled": user_has_device(user),
        "required": bool(request.session.get(OTP_ENROL)),
        "next": _next_url(request, default=""),
    }
    return render(request, "otp/setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            request.session.pop(OTP_PENDING, None)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is not correct. Check the time on your phone and try again."))
    return render(request, "otp/verify.html", {"form": form, "next": _next_url(request, default="")})
