"""Forms and list filters for rectification, study points, publicity and study plans.

Every choice of agency, person or activity is limited to what the user may change, so a posted id
from studyportal.forms import ChoosePromptMixin
from another agency is refused by the form like any other bad value.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.scoping import orgs_visible_to
from studyportal.forms import ChoosePromptMixin
from studyportal.names import person_name_key
from studyportal.params import YEAR_FIRST, bound_year_field, parse_int, year_last

from .models import Activity, PlanItem, Publicity, RectificationItem

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def agencies_for(user, min_role=Role.RECORDER):
    return orgs_visible_to(user, min_role).filter(kind=Organization.Kind.AGENCY).order_by("path")


def people_of(agencies):
    return User.objects.filter(agency__in=agencies, is_active=True).order_by("agency_id", "real_name")


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.date:%Y-%m-%d} {obj.get_kind_display()} · {obj.title}"


class _ByPinyin(forms.models.ModelChoiceIterator):
    """The people of each agency in pinyin order (按拼音), as a Chinese reader looks a name up."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        people = sorted(
            self.queryset,
            key=lambda person: (
                person.agency_id or 0,
                person_name_key(self.field.label_from_instance(person)),
            ),
        )
        for person in people:
            yield self.choice(person)


class PersonChoiceField(forms.ModelChoiceField):
    iterator = _ByPinyin

    def label_from_instance(self, obj):
        return obj.real_name or obj.username


def _year_of(form, field_name, fallback):
    """The year the form is about (posted, initial or stored), to keep activity choices short."""
    raw = form.data.get(form.add_prefix(field_name)) if form.is_bound else None
    value = raw or form.initial.get(field_name) or fallback
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.year
    year = parse_int(str(value or "")[:4], low=YEAR_FIRST, high=year_last())
    return year if year is not None else timezone.localdate().year


def _activities_of(agencies, year):
    """Activities of the agencies (and their branches) in the year and the one before: a problem or a
    report may follow an activity of the previous December, and a whole history would be too long."""
    in_agencies = Q(pk__in=[])
    for agency in agencies:
        in_agencies |= Q(organization__path__startswith=agency.path)
    return Activity.objects.filter(
        in_agencies, deleted_at__isnull=True, date__year__in=[year - 1, year]
    ).order_by("-date", "-id")


class AgencyScopedForm(ChoosePromptMixin, forms.ModelForm):
    """A form whose `agency` is one of the agencies the user records for; hidden when there is one."""

    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Organization.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.agencies = agencies_for(user)
        self.fields["agency"].queryset = self.agencies
        if self.instance.pk:
            # An item stays with its agency.
            del self.fields["agency"]
        elif len(self.agencies) == 1:
            self.fields["agency"].initial = self.agencies[0]
            self.fields["agency"].widget = forms.HiddenInput()

    def chosen_agency(self):
        if self.instance.pk:
            return self.instance.agency
        return self.cleaned_data.get("agency")

    def _check_agency_of(self, cleaned, field, message, org_of):
        agency = self.chosen_agency()
        value = cleaned.get(field)
        if agency and value and not org_of(value).path.startswith(agency.path):
            self.add_error(field, message)


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


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["low_points_threshold"]


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
        options_url = reverse("tracking:plan_activity_options", args=[year])
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
