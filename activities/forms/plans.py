"""The form of a study plan item, and the choices it offers.

Every choice of agency, person or activity is limited to what the user may change, so a posted id
from another agency is refused by the form like any other bad value.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import User
from studyportal.forms import ChoosePromptMixin
from studyportal.params import parse_int

from ..models import Activity, PlanItem
from .records import ActivityChoiceField, PersonChoiceField, people_of


def month_choices():
    # Called when the form is rendered, so the labels are in the request's language.
    return [("", gettext("Any month"))] + [
        (m, gettext("Month %(month)d") % {"month": m}) for m in range(1, 13)
    ]


def approved_activities_of(agency, year):
    return Activity.objects.filter(
        organization__path__startswith=agency.path,
        deleted_at__isnull=True,
        status=Activity.Status.APPROVED,
        date__year=year,
    ).order_by("date", "id")


def activities_of_month(activities, month):
    month = parse_int(month, low=1, high=12)
    if month is not None:
        return activities.filter(date__month=month)
    return activities


class PlanItemForm(ChoosePromptMixin, forms.ModelForm):
    month = forms.TypedChoiceField(
        label=_("Month"), choices=month_choices, coerce=int, empty_value=None, required=False
    )
    lead = PersonChoiceField(label=_("Lead"), queryset=User.objects.none(), required=False)
    fulfilled_by = ActivityChoiceField(
        label=_("Fulfilled by"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=_("An approved activity of the planned month."),
    )

    class Meta:
        model = PlanItem
        fields = ["month", "kind", "topic", "measures", "lead", "fulfilled_by"]
        widgets = {"measures": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, agency, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency, self.year = agency, year
        self.fields["lead"].queryset = people_of([agency])
        activities = approved_activities_of(agency, year)
        month = self.data.get(self.add_prefix("month")) if self.is_bound else self.instance.month
        self.fields["fulfilled_by"].queryset = activities_of_month(activities, month)
        # Choosing a month reloads the activities offered (htmx; without script the server still checks).
        options_url = reverse("records:plan_activity_options", args=[year])
        self.fields["month"].widget.attrs.update(
            {
                "hx-get": f"{options_url}?org={agency.code}",
                "hx-target": f"#{self['fulfilled_by'].auto_id}",
                "hx-trigger": "change",
            }
        )

    def clean(self):
        cleaned = super().clean()
        activity, month = cleaned.get("fulfilled_by"), cleaned.get("month")
        if activity and month and activity.date.month != month:
            self.add_error("fulfilled_by", _("Choose an activity of the planned month."))
        return cleaned
