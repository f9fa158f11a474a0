"""What the forms of the records (rectification, points, publicity, plans) share.

Every choice of agency, person or activity is limited to what the user may change, so a posted id
from another agency is refused by the form like any other bad value.
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization, Role, User
from studyportal.accounts.scoping import orgs_visible_to
from studyportal.forms import ChoosePromptMixin
from studyportal.names import person_name_key
from studyportal.params import YEAR_FIRST, parse_int, year_last

from ..models import Activity

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
