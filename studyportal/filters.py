"""The labels of every list's filter and sort menus, in one place.

django-filter writes an empty choice as "---------" and a descending sort as "日期 (descending)"; it
has no Simplified Chinese catalogue. The empty choice of every filter reads "All" through
settings.FILTERS_EMPTY_CHOICE_LABEL; every sort menu is a SortFilter.
"""

import django_filters
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class SortFilter(django_filters.OrderingFilter):
    """A sort menu reading "日期（升序）" / "日期（降序）", translated when the menu is drawn."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, field)
            choices.append((param, format_lazy(_("{field} (ascending)"), field=label)))
            choices.append((f"-{param}", format_lazy(_("{field} (descending)"), field=label)))
        return choices
