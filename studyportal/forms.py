"""What every form of the portal shares."""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

DJANGO_EMPTY_LABEL = BLANK_CHOICE_DASH[0][1]


class ChoosePromptMixin:
    """A select's empty choice reads 请选择 where Django would show its "---------" (a field that
    names its own empty choice, such as 不限月份, keeps it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prompt = _("Please choose")
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == DJANGO_EMPTY_LABEL:
                    field.empty_label = prompt
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0] == ("", DJANGO_EMPTY_LABEL):
                    field.choices = [("", prompt), *choices[1:]]
