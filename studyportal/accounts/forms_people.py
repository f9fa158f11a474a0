"""Forms of the people and organization pages (views_people.py); the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from studyportal.forms import ChoosePromptMixin

from .models import Organization, User


class PersonForm(ChoosePromptMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "real_name",
            "username",
            "position",
            "branch",
            "party_group",
            "is_party_member",
            "is_leader",
        ]
        help_texts = {"username": _("What they type to log in: letters, digits and @/./+/-/_ only.")}

    def __init__(self, *args, agency: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["real_name"].required = True
        self.fields["branch"].queryset = Organization.objects.filter(
            parent=agency, kind=Organization.Kind.BRANCH, is_active=True
        )

    def validate_unique(self):
        """The service checks names and user names, with the agency it knows."""


class PersonEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["real_name", "position", "party_group", "is_party_member", "is_leader"]

    def validate_unique(self):
        """The service checks the name within the agency."""


class MoveForm(ChoosePromptMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("New Party branch"), queryset=Organization.objects.none())

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["branch"].label_from_instance = lambda org: f"{org.parent.name} · {org.name}"


class PartyGroupForm(forms.Form):
    old = forms.CharField(widget=forms.HiddenInput)
    new = forms.CharField(label=_("New name (empty: dissolve the group)"), max_length=50, required=False)


class BranchForm(forms.Form):
    name = forms.CharField(label=_("Branch name"), max_length=100)


class BranchMoveForm(ChoosePromptMixin, forms.Form):
    parent = forms.ModelChoiceField(label=_("Agency"), queryset=Organization.objects.none())

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = agencies


class BranchRolesForm(ChoosePromptMixin, forms.Form):
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=User.objects.none(), required=False)
    recorders = forms.ModelMultipleChoiceField(
        label=_("Recorders"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = people
        self.fields["recorders"].queryset = people
