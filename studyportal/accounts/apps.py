from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "studyportal.accounts"
    label = "accounts"
    verbose_name = _("Organizations and people")

    def ready(self):
        # Connects the user_logged_in receiver that starts a session's expiry clocks, before any login.
        from studyportal import security  # noqa: F401
