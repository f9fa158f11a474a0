"""The back office in the portal's name and language.

Django's admin is titled "Django 管理", and the apps it lists from other packages carry English
names (Axes, Otp_Totp; "TOTP devices"), which no catalogue of theirs translates into Chinese. Their
app names are set here (AppConfig subclasses, which change no migration), and so are django-otp's
model names, which are plain English strings in its package.
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


class PortalAdminSite(admin.AdminSite):
    site_header = _("Study Portal administration")
    site_title = _("Study Portal")
    index_title = _("Administration")


class PortalAdminConfig(AdminConfig):
    default_site = "studyportal.admin_site.PortalAdminSite"


class PortalAxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in throttling")


def _name_model(model, name):
    """Every page of the admin (list, titles, buttons, messages) reads the model's name from _meta. No
    migration sees this: the migration state is built from Meta's own attributes (original_attrs)."""
    model._meta.verbose_name = model._meta.verbose_name_plural = name


class PortalTotpConfig(TotpConfig):
    verbose_name = _("Two-factor sign-in: authenticator apps")

    def ready(self):
        super().ready()
        _name_model(self.get_model("TOTPDevice"), _("Authenticator apps"))


class PortalStaticConfig(StaticConfig):
    verbose_name = _("Two-factor sign-in: backup codes")

    def ready(self):
        super().ready()
        _name_model(self.get_model("StaticDevice"), _("Backup codes"))
