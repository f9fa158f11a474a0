"""The back office in the portal's name and language.

Django's admin is titled "Django 管理", and the apps it lists from other packages carry English
names (Axes, Otp_Totp; "TOTP devices"), which no catalogue of theirs translates into Chinese. Their
app names are set here (AppConfig subclasses, which change no migration); their model names, which
cannot change without a migration in their package, are renamed where the admin lists them.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig

# The lazy model names of django-axes, translated by our catalogue (locale/) when they are drawn.
AXES_MODEL_NAMES = (
    gettext_noop("access attempts"),
    gettext_noop("access logs"),
    gettext_noop("access failures"),
)
# Models whose names are plain English strings in their package: (app, model) → the admin's name.
MODEL_NAMES = {
    ("otp_totp", "totpdevice"): _("Authenticator apps"),
    ("otp_static", "staticdevice"): _("Backup codes"),
}


class PortalAdminSite(admin.AdminSite):
    site_header = _("Study Portal administration")
    site_title = _("Study Portal")
    index_title = _("Administration")

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                name = MODEL_NAMES.get((app["app_label"], model["object_name"].lower()))
                if name is not None:
                    model["name"] = name
        return app_list


class PortalAdminConfig(AdminConfig):
    default_site = "studyportal.admin_site.PortalAdminSite"


class PortalAxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in throttling")


class PortalTotpConfig(TotpConfig):
    verbose_name = _("Two-factor sign-in: authenticator apps")


class PortalStaticConfig(StaticConfig):
    verbose_name = _("Two-factor sign-in: backup codes")
