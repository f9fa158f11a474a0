from django import forms
from django.utils.translation import gettext_lazy as _


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One paragraph per line. Numbered points start with 1. 2. 3."),
        error_messages={"required": _("The section cannot be empty.")},
    )
