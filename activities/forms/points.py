"""The form of the study points threshold."""

from django import forms

from studyportal.accounts.models import Organization


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["low_points_threshold"]
