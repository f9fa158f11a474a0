"""Forms and the list filter for rectification items.

Every choice of agency, person or activity is limited to what the user may change, so a posted id
from another agency is refused by the form like any other bad value.
"""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import User
from studyportal.params import bound_year_field

from ..models import Activity, RectificationItem
from .records import (
    DATE_INPUT,
    ActivityChoiceField,
    AgencyScopedForm,
    PersonChoiceField,
    _activities_of,
    _year_of,
    people_of,
)


class RectificationForm(AgencyScopedForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    found_in = ActivityChoiceField(
        label=_("Found in activity"),
        queryset=Activity.objects.none(),
        required=False,
        help_text=_("The study session or review where the problem came up, if any."),
    )

    class Meta:
        model = RectificationItem
        fields = [
            "agency",
            "year",
            "problem",
            "category",
            "source",
            "measures",
            "owner",
            "deadline",
            "found_in",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "deadline": DATE_INPUT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = [self.instance.agency] if self.instance.pk else self.agencies
        self.fields["owner"].queryset = people_of(agencies)
        year = _year_of(self, "year", self.instance.year if self.instance.pk else None)
        self.fields["found_in"].queryset = _activities_of(agencies, year)
        if not self.instance.pk and not self.initial.get("year"):
            self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        agency = self.chosen_agency()
        owner = cleaned.get("owner")
        if agency and owner and owner.agency_id != agency.pk:
            self.add_error("owner", _("The owner must be a member of the agency."))
        self._check_agency_of(
            cleaned, "found_in", _("Choose an activity of this agency."), lambda a: a.organization
        )
        return cleaned


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("Progress cannot be dated in the future."))
        return date


class CloseForm(forms.Form):
    evidence = forms.CharField(
        label=_("Closing evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows the problem is fixed: documents, records, results."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class RectificationFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RectificationItem.Status.choices, empty_label=_("All statuses")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=RectificationItem.Category.choices, empty_label=_("All categories")
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue?"),
        choices=[("1", _("Overdue only")), ("0", _("Not overdue"))],
        empty_label=_("All"),
        method="filter_overdue",
    )
    owner = PersonFilter(label=_("Owner"), queryset=User.objects.none(), empty_label=_("Anyone"))

    class Meta:
        model = RectificationItem
        fields = ["year", "status", "category", "overdue", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who own one of the visible items: a committee sees thousands of people.
        owners = self.queryset.order_by().values("owner")
        self.filters["owner"].queryset = User.objects.filter(pk__in=owners).order_by("agency_id", "real_name")
        bound_year_field(self.form.fields["year"])
        self.form.fields["year"].widget.attrs["placeholder"] = _("All years")

    def filter_overdue(self, queryset, name, value):
        # `overdue` is annotated by the selector from the deadline and today's date.
        return queryset.filter(overdue=(value == "1"))
