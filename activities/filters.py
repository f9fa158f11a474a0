"""Filters of the activity list and its export (the same parameters drive both)."""

from functools import cached_property

import django_filters
from django import forms
from django.db.models import Q
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization, User
from studyportal.accounts.scoping import orgs_visible_to
from studyportal.filters import SortFilter
from studyportal.params import bound_year_field

from .completeness import completeness_annotations, incomplete_q
from .materials import parse_material_titles
from .models import (
    CENTRAL_GROUP_KINDS,
    LECTURE_KINDS,
    Activity,
    Attendance,
    Group,
    Kind,
    kinds_of_group,
)
from .selectors.activity import people_visible_to

MONTH_CHOICES = [(str(number), name) for number, name in MONTHS.items()]
INCOMPLETE, COMPLETE = "incomplete", "complete"
# The three groups, and the central group's sessions (study and seminar) that the dashboard counts
# as one figure.
CENTRAL_GROUP = "central_group"
GROUP_CHOICES = [*Group.choices, (CENTRAL_GROUP, _("Central group sessions"))]
COMPLETENESS_CHOICES = [(INCOMPLETE, _("Needs more")), (COMPLETE, _("Complete"))]


class PersonField(forms.CharField):
    """A person: an id, as the dashboard's links give it, or (part of) a name, as a user types it.

    A menu of people would have thousands of options on the committee's list; a name field serves
    every scope. An id is shown as the person's name (`names`, set by the filter), so the user sees
    whom the list is about."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = {}

    def bound_data(self, data, initial):
        return self.names.get(data, data)


class PersonFilter(django_filters.CharFilter):
    field_class = PersonField


class MenuSelect(forms.Select):
    """Django's Select, written by activities/_filter_select.html from a flat list of its options:
    Django's template loops over groups of one option each and includes two templates per option,
    three times the cost (a committee's menu has a hundred agencies)."""

    template_name = "activities/_filter_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options"] = [
            option for _group, options, _index in context["widget"]["optgroups"] for option in options
        ]
        return context


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ActivityFilter(django_filters.FilterSet):
    year = YearFilter(field_name="date", lookup_expr="year", label=_("Year"))
    month = django_filters.ChoiceFilter(
        field_name="date", lookup_expr="month", label=_("Month"), choices=MONTH_CHOICES
    )
    group = django_filters.ChoiceFilter(label=_("Group"), choices=GROUP_CHOICES, method="filter_group")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Activity.Status.choices)
    # The lectures the dashboard and the summary count as given by leaders (ActivityMonthStat's rule).
    leader = django_filters.ChoiceFilter(
        label=_("Speaker"), choices=[("1", _("Lectures given by leaders"))], method="filter_leader"
    )
    # Choices set per user (`__init__`) from one plain query (a committee sees some 300 organizations).
    organization = django_filters.ChoiceFilter(label=_("Organization"), method="filter_organization")
    person = PersonFilter(label=_("Person"), method="filter_person")
    completeness = django_filters.ChoiceFilter(
        label=_("Completeness"), choices=COMPLETENESS_CHOICES, method="filter_completeness"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    sort = SortFilter(
        label=_("Sort by"),
        fields=(("date", "date"), ("kind", "kind"), ("title", "title"), ("status", "status")),
        field_labels={"date": _("Date"), "kind": _("Kind"), "title": _("Title"), "status": _("Status")},
    )

    class Meta:
        model = Activity
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["year"].widget = forms.NumberInput()
        bound_year_field(fields["year"])
        fields["q"].widget.attrs["placeholder"] = _("Title, site, speaker, notes")
        fields["person"].widget.attrs["placeholder"] = _("Name")
        fields["organization"].choices = self._organization_choices()
        person = str(self.data.get("person", ""))
        if _is_id(person) and self.request is not None:
            name = self._people().filter(pk=person).values_list("real_name", flat=True).first()
            if name:
                fields["person"].names = {person: name}
        self._style_widgets()

    def _style_widgets(self):
        """Bootstrap's classes, as crispy-forms would set them: the list writes this form's markup
        itself (activities/list.html), at a fraction of the cost of crispy's template per field."""
        errors = self.form.errors if self.form.is_bound else {}
        for name, field in self.form.fields.items():
            if type(field.widget) is forms.Select:
                field.widget = MenuSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            widget = field.widget
            look = "form-select" if isinstance(widget, forms.Select) else "form-control"
            invalid = " is-invalid" if name in errors else ""
            # As crispy-forms names them: "select form-select", "textinput form-control".
            kind = "select" if isinstance(widget, MenuSelect) else type(widget).__name__.lower()
            widget.attrs["class"] = f"{kind} {look}{invalid}"

    @cached_property
    def organizations(self) -> list[tuple[int, str, str, int | None]]:
        """(id, name, path, parent id) of each organization the user may filter by, in tree order."""
        if self.request is None:
            return []
        organizations = orgs_visible_to(self.request.user).exclude(kind=Organization.Kind.COMMITTEE)
        return list(organizations.order_by("path").values_list("pk", "name", "path", "parent_id"))

    def _organization_choices(self) -> list[tuple[str, str]]:
        """The menu: every organization of a scope with one top (an agency and its branches). Over
        several tops (a committee: 100 agencies, 300 organizations), the tops, and the branches of the
        one chosen: a branch is one more choice away, and the menu stays short enough to read."""
        rows = self.organizations
        visible = {pk for pk, _name, _path, _parent in rows}
        tops = {pk for pk, _name, _path, parent in rows if parent not in visible}
        if len(tops) > 1:
            chosen = next((row for row in rows if str(row[0]) == self.data.get("organization")), None)
            opened = None if chosen is None else chosen[0] if chosen[0] in tops else chosen[3]
            rows = [row for row in rows if row[3] not in tops or row[3] == opened]
        return [(str(pk), name) for pk, name, _path, _parent in rows]

    def _path_of(self, pk) -> str | None:
        return next((path for id_, _name, path, _parent in self.organizations if str(id_) == pk), None)

    def _people(self):
        if self.request is None:
            return User.objects.none()
        return people_visible_to(self.request.user)

    def filter_group(self, queryset, name, value):
        if value == CENTRAL_GROUP:
            return queryset.filter(kind__in=CENTRAL_GROUP_KINDS)
        return queryset.filter(kind__in=kinds_of_group(value))

    def filter_leader(self, queryset, name, value):
        return queryset.filter(kind__in=LECTURE_KINDS, given_by_leader=True)

    def filter_organization(self, queryset, name, value):
        # An agency's records include those of its branches.
        chosen = self._path_of(value)
        subtree = [pk for pk, _name, path, _parent in self.organizations if path.startswith(chosen)]
        return queryset.filter(organization_id__in=subtree)

    def filter_person(self, queryset, name, value):
        people = self._people()
        people = people.filter(pk=value) if _is_id(value) else people.filter(real_name__icontains=value)
        # A subquery, so an activity that several people of that name attended is listed once.
        attended = Attendance.objects.filter(person__in=people.values("pk")).values("activity_id")
        return queryset.filter(pk__in=attended)

    def filter_completeness(self, queryset, name, value):
        # The rules of `missing_items`, as one SQL condition (activities/completeness.py).
        incomplete = Activity.objects.annotate(**completeness_annotations()).filter(incomplete_q())
        if value == INCOMPLETE:
            return queryset.filter(pk__in=incomplete.values("pk"))
        return queryset.exclude(pk__in=incomplete.values("pk"))

    def filter_text(self, queryset, name, value):
        query = Q()
        for word in value.split():
            titles = parse_material_titles(word)[0] or [word]
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
