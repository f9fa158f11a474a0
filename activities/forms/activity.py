"""The activity form: one form for every kind, showing only the fields the kind has."""

import datetime
from collections import OrderedDict

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from studyportal.forms import ChoosePromptMixin

from .. import kinds
from ..materials import parse_material_titles
from ..models import RECORD_FIELDS, Activity, Attachment, Attendance
from ..services.activity import hours_between
from ..uploads import attachment_limits_text, validate_files_count, validate_upload

# The form's fields: the record's but its kind, which the page is for.
FORM_FIELDS = [name for name in RECORD_FIELDS if name != "kind"]


def fields_of_kind(kind: str) -> list[str]:
    spec = kinds.spec(kind)
    own = {*spec.fields, *(["given_by_leader"] if spec.lecture else [])}
    optional = {*kinds.OPTIONAL_FIELDS, "given_by_leader"}
    return [name for name in FORM_FIELDS if name in own or name not in optional]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content (activities/uploads.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx"})
        )
        kwargs.setdefault("help_text", lazy(attachment_limits_text, str)())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        validate_files_count(len(files))
        errors = []
        for upload in files:
            try:
                validate_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


GIVEN_BY_LEADER_CHOICES = [
    ("", _("As the speaker: yes if they are in the leadership")),
    ("1", _("Yes")),
    ("0", _("No")),
]


class ActivityForm(ChoosePromptMixin, forms.ModelForm):
    materials_text = forms.CharField(
        label=_("Study materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One title per line or separated by 、; the 《》 are optional."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False)
    file_kind = forms.ChoiceField(
        label=_("The attachments are"), choices=Attachment.Kind.choices, initial=Attachment.Kind.PHOTO
    )

    class Meta:
        model = Activity
        fields = FORM_FIELDS
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0"}),
        }

    def __init__(self, *args, kind: str, organizations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        spec = kinds.spec(kind)
        self.people = list(people)
        self._people_by_id = {person.pk: person for person in self.people}
        keep = set(fields_of_kind(kind)) | {"materials_text", "files", "file_kind"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = None
        self.fields["speaker"].queryset = people
        self.fields["speaker"].label_from_instance = lambda person: (
            f"{person.real_name}（{person.position}）" if person.position else person.real_name
        )
        self.fields["date"].input_formats = ["%Y-%m-%d", "%Y/%m/%d"]
        if spec.lecture:
            self.fields["speaker"].label = _("Speaker")
            self.fields["given_by_leader"] = forms.TypedChoiceField(
                label=_("Given by a leader"),
                choices=GIVEN_BY_LEADER_CHOICES,
                required=False,
                coerce=lambda value: value == "1",
                empty_value=None,
            )
            if self.instance.pk:
                self.initial["given_by_leader"] = "1" if self.instance.given_by_leader else "0"
        if "site" in spec.requires:
            self.fields["location"].label = _("Site visited")
            self.fields["location"].required = True
            self.fields["location"].help_text = ""
            self.fields["location"].error_messages["required"] = _("A field visit needs the site visited.")
        else:
            self.fields["location"].help_text = ""
        if "film" in spec.requires:
            self.fields["materials_text"].label = _("Films / videos watched")
        if self.instance.pk and not self.is_bound:
            self.initial["materials_text"] = "\n".join(m.title for m in self.instance.materials.all())
        self._attendance_initial = (
            dict(self.instance.attendances.values_list("person_id", "status")) if self.instance.pk else {}
        )
        if self.instance.pk:
            # The version of the record the form was opened on: saving over a newer one is refused
            # (activity_update), so two people editing at once never silently undo each other's work.
            # Required: an edit that does not say which version it was made on could overwrite a
            # newer change unseen, so it is refused like a stale one (issue 13, finding 8).
            # Its error is shown at the top of the form (a hidden field has no place of its own).
            self.fields["seen_updated_at"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial["seen_updated_at"] = self.instance.updated_at.isoformat()

    # --- attendance: fields att_<person id> = present / leave / absent, empty = not listed ---

    def _posted_attendance(self) -> dict[str, str]:
        return {
            key[4:]: value
            for key, value in self.data.items()
            if key.startswith("att_") and value in Attendance.Status.values
        }

    def attendance_rows(self):
        """(branch, [(person, status)]) for the picker, in the order people are listed."""
        if self.is_bound:
            chosen = {}
            for key, value in self._posted_attendance().items():
                if key.isdigit():
                    chosen[int(key)] = value
        else:
            chosen = self._attendance_initial
        groups = OrderedDict()
        for person in self.people:
            branch = person.branch.name if person.branch_id else ""
            groups.setdefault(branch, []).append((person, chosen.get(person.pk, "")))
        return list(groups.items())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end < start:
            self.add_error("end_time", _("The end time is before the start time."))
        elif start and end and cleaned.get("hours") is None and "hours" in self.fields:
            # 09:00–11:30 gives the attendees 2.5 study hours unless the recorder wrote others.
            cleaned["hours"] = hours_between(start, end)
        if (
            "speaker" in kinds.spec(self.kind).requires
            and not cleaned.get("speaker")
            and not cleaned.get("speaker_name", "").strip()
        ):
            self.add_error(
                "speaker",
                _("A lecture needs a speaker: choose one of our people or name the outside speaker."),
            )
        attendance, strangers = {}, []
        for key, status in self._posted_attendance().items():
            person = self._people_by_id.get(int(key)) if key.isdigit() else None
            if person is None:
                strangers.append(key)
            else:
                attendance[person] = status
        if strangers:
            raise ValidationError(
                _(
                    "Some attendees are not people of this agency; "
                    "only the agency's own people can be listed."
                ),
                code="stranger",
            )
        self.cleaned_attendance = attendance
        return cleaned

    def clean_seen_updated_at(self):
        value = self.cleaned_data["seen_updated_at"]
        if not value:
            self.add_error(
                None,
                _(
                    "This form does not say which version of the record it was opened on; "
                    "reload the page and make your change again."
                ),
            )
            return None
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            # A mangled value is treated as stale: the person reloads rather than overwrites blindly.
            return datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in RECORD_FIELDS if name in self.cleaned_data}

    def material_titles(self) -> list[str]:
        return parse_material_titles(self.cleaned_data.get("materials_text", ""))[0]


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("Files"))
    kind = forms.ChoiceField(label=_("The files are"), choices=Attachment.Kind.choices)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to be fixed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what needs to be fixed when returning a record.")},
    )
