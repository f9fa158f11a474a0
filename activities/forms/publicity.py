"""The form of a publicity placement.

Every choice of agency, person or activity is limited to what the user may change, so a posted id
from another agency is refused by the form like any other bad value.
"""

from django.utils.translation import gettext_lazy as _

from ..models import Activity, Publicity
from .records import DATE_INPUT, ActivityChoiceField, AgencyScopedForm, _activities_of, _year_of


class PublicityForm(AgencyScopedForm):
    activity = ActivityChoiceField(
        label=_("Activity reported"), queryset=Activity.objects.none(), required=False
    )

    class Meta:
        model = Publicity
        fields = ["agency", "date", "title", "outlet", "level", "form", "link", "activity"]
        widgets = {"date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = [self.instance.agency] if self.instance.pk else self.agencies
        year = _year_of(self, "date", self.instance.date if self.instance.pk else None)
        self.fields["activity"].queryset = _activities_of(agencies, year)

    def clean(self):
        cleaned = super().clean()
        self._check_agency_of(
            cleaned, "activity", _("Choose an activity of this agency."), lambda a: a.organization
        )
        return cleaned
