"""Filters of the activity list and its export (the same parameters drive both)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization, User
from studyportal.accounts.scoping import orgs_visible_to

from .models import Activity, Group, Kind, kinds_of_group
from .selectors import people_visible_to
from .services import parse_material_titles

MONTH_CHOICES = list(MONTHS.items())


def _organizations(request):
    if request is None:
        return Organization.objects.none()
    return orgs_visible_to(request.user).exclude(kind=Organization.Kind.COMMITTEE)


def _people(request):
    if request is None:
        return User.objects.none()
    # The committee's list offers every person of the county: fetch only what an option shows.
    return people_visible_to(request.user).only("id", "real_name")


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html writes them.
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """The same markup as Django's Select, written in Python: the template engine renders one template
    per option, and a committee's person filter has thousands of options (seconds per page). Named
    Select because crispy-forms puts the widget's class name on the element (class="select")."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        mark_safe(_attrs(option["attrs"])),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class ActivityFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"))
    month = django_filters.ChoiceFilter(
        field_name="date", lookup_expr="month", label=_("Month"), choices=MONTH_CHOICES
    )
    group = django_filters.ChoiceFilter(label=_("Group"), choices=Group.choices, method="filter_group")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Activity.Status.choices)
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=_organizations, method="filter_organization"
    )
    person = django_filters.ModelChoiceFilter(
        label=_("Person"), queryset=_people, field_name="attendances__person"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("date", "date"), ("kind", "kind"), ("title", "title"), ("status", "status")),
        field_labels={"date": _("Date"), "kind": _("Kind"), "title": _("Title"), "status": _("Status")},
    )

    class Meta:
        model = Activity
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["year"].widget = forms.NumberInput(attrs={"min": 2000, "max": 2100})
        self.form.fields["q"].widget.attrs["placeholder"] = _("Title, site, speaker, notes")
        self.form.fields["person"].label_from_instance = lambda person: person.real_name
        for field in self.form.fields.values():
            if type(field.widget) is forms.Select:
                quick = Select(attrs=field.widget.attrs)
                quick.choices = field.widget.choices
                quick.is_required = field.widget.is_required
                field.widget = quick

    def filter_group(self, queryset, name, value):
        return queryset.filter(kind__in=kinds_of_group(value))

    def filter_organization(self, queryset, name, value):
        # An agency's records include those of its branches.
        return queryset.filter(organization__path__startswith=value.path)

    def filter_text(self, queryset, name, value):
        query = Q()
        for word in value.split():
            titles = parse_material_titles(word) or [word]
            query &= (
                Q(title__icontains=word)
                | Q(location__icontains=word)
                | Q(notes__icontains=word)
                | Q(speaker_name__icontains=word)
                | Q(speaker__real_name__icontains=word)
                # A subquery, so a title matching several materials does not repeat the row.
                | Q(
                    pk__in=Activity.materials.through.objects.filter(
                        studymaterial__title__icontains=titles[0]
                    ).values("activity_id")
                )
            )
        return queryset.filter(query)
