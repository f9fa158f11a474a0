"""The back office in the portal's name and language.

Django's admin is titled "Django 管理", and the apps it lists from other packages carry English
names (Axes, Otp_Totp; "TOTP devices"), which no catalogue of theirs translates into Chinese. Their
app names are set here (AppConfig subclasses, which change no migration), and so are django-otp's
model names, field labels and help texts and its admin's section titles, which are plain English
strings in its package.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig

# The lazy model names of django-axes, translated by our catalogue (locale/) when they are drawn.
AXES_MODEL_NAMES = (
    gettext_noop("access attempts"),
    gettext_noop("access logs"),
    gettext_noop("access failures"),
)

# django-otp's fields: name → (label, help text). Each help text is its package's English word for
# word: a lazy translation equals its English when makemigrations compares them, so no migration.
OTP_FIELDS = {
    "user": (_("user"), _("The user that this device belongs to.")),
    "name": (_("name"), _("The human-readable name of this device.")),
    "confirmed": (_("confirmed"), _("Is this device ready for use?")),
    "throttling_failure_timestamp": (
        _("last failed attempt"),
        _("A timestamp of the last failed verification attempt. Null if last attempt succeeded."),
    ),
    "throttling_failure_count": (_("failed attempts"), _("Number of successive failed attempts.")),
    "created_at": (
        _("created at"),
        _("The date and time when this device was initially created in the system."),
    ),
    "last_used_at": (_("last used at"), _("The most recent date and time this device was used.")),
    "key": (_("key"), _("A hex-encoded secret key of up to 40 bytes.")),
    "step": (_("time step"), _("The time step in seconds.")),
    "t0": (_("start time"), _("The Unix time at which to begin counting steps.")),
    "digits": (_("digits"), _("The number of digits to expect in a token.")),
    "tolerance": (_("tolerance"), _("The number of time steps in the past or future to allow.")),
    "drift": (_("drift"), _("The number of time steps the prover is known to deviate from our clock.")),
    "last_t": (
        _("last time step"),
        _("The t value of the latest verified token. The next token must be at a higher time step."),
    ),
    "device": (_("device"), ""),
    "token": (_("backup code"), ""),
}
# The section titles of django-otp's admin forms, translated when drawn.
OTP_FIELDSETS = (
    gettext_noop("Identity"),
    gettext_noop("Timestamps"),
    gettext_noop("Configuration"),
    gettext_noop("State"),
    gettext_noop("Throttling"),
)


def _otp_admin(admin_class):
    """django-otp's ModelAdmin with its section titles and search help in Chinese."""

    class Translated(admin_class):
        search_help_text = _("Search by user name or email address")

        def get_fieldsets(self, request, obj=None):
            return [
                (name and gettext(name), options) for name, options in super().get_fieldsets(request, obj)
            ]

    if hasattr(admin_class, "qrcode_link"):
        Translated.qrcode_link = admin.display(description=_("QR code"))(admin_class.qrcode_link)
    Translated.__name__ = admin_class.__name__
    return Translated


class PortalAdminSite(admin.AdminSite):
    site_header = _("Study Portal administration")
    site_title = _("Study Portal")
    index_title = _("Administration")

    def register(self, model_or_iterable, admin_class=None, **options):
        if admin_class is not None and admin_class.__module__.startswith("django_otp."):
            admin_class = _otp_admin(admin_class)
        super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    default_site = "studyportal.admin_site.PortalAdminSite"


class PortalAxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in throttling")


def _name_model(model, name):
    """Every page of the admin (list, titles, buttons, messages) reads the model's and the fields' names
    from _meta. No migration sees this: the migration state is built from Meta's own attributes
    (original_attrs) and from the names a field was given (django-otp gives none)."""
    model._meta.verbose_name = model._meta.verbose_name_plural = name
    for field in model._meta.fields:
        if field.name in OTP_FIELDS:
            field.verbose_name, help_text = OTP_FIELDS[field.name]
            if field.help_text:
                field.help_text = help_text


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
        _name_model(self.get_model("StaticToken"), _("Backup codes"))
