from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Study activities")

    def ready(self):
        from studyportal.accounts.services import person_moved

        from .stats import stats_after_person_move

        person_moved.connect(stats_after_person_move, dispatch_uid="activities.stats_after_person_move")
