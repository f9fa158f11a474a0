"""Ledger completeness: what a record still lacks before the year closes (完整 / 需补充).

The checks read flags that the selectors annotate onto every activity (`completeness_annotations`),
so a whole list page is judged from the one query that fetched it.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import KIND_GROUP, LECTURE_KINDS, Activity, Attachment, Attendance, Group, Kind

# Meetings and lectures are where a sign-in sheet (or QR sign-ins) is the evidence of who came.
SIGN_IN_KINDS = frozenset(kind for kind, group in KIND_GROUP.items() if group == Group.LEADING) | {
    Kind.THEME_PARTY_DAY
}

MISSING_ATTENDANCE = _("no attendance recorded")
MISSING_MINUTES = _("no minutes or notes")
MISSING_PHOTO = _("no photo of the visit")
MISSING_SPEAKER = _("no speaker")
MISSING_SIGN_IN = _("no sign-in sheet")
MISSING_FILM = _("no film or video title")
MISSING_SITE = _("no site")
MISSING_HOUSEHOLDS = _("no number of households reached")
MISSING_ENTERPRISES = _("no number of enterprises reached")


def completeness_annotations() -> dict:
    """Annotations (one EXISTS subquery each) that `missing_items` reads."""

    def attachment_of(kind):
        return Exists(Attachment.objects.filter(activity=OuterRef("pk"), kind=kind))

    return {
        "has_attendance": Exists(Attendance.objects.filter(activity=OuterRef("pk"))),
        "has_signed_in": Exists(
            Attendance.objects.filter(activity=OuterRef("pk"), signed_in_at__isnull=False)
        ),
        "has_photo": attachment_of(Attachment.Kind.PHOTO),
        "has_sign_in_sheet": attachment_of(Attachment.Kind.SIGN_IN),
        "has_minutes_file": attachment_of(Attachment.Kind.MINUTES),
        "has_materials": Exists(Activity.materials.through.objects.filter(activity_id=OuterRef("pk"))),
    }


def missing_items(activity) -> list:
    """What the record lacks, as short translated phrases; empty when it is complete."""
    missing = []
    if not activity.has_attendance and not activity.outside_headcount:
        missing.append(MISSING_ATTENDANCE)
    if not activity.notes.strip() and not activity.has_minutes_file:
        missing.append(MISSING_MINUTES)
    if activity.kind in LECTURE_KINDS and not activity.speaker_id and not activity.speaker_name.strip():
        missing.append(MISSING_SPEAKER)
    if activity.kind == Kind.FIELD_VISIT:
        if not activity.location.strip():
            missing.append(MISSING_SITE)
        if not activity.has_photo:
            missing.append(MISSING_PHOTO)
    if activity.kind == Kind.FILM_VIEWING and not activity.has_materials:
        missing.append(MISSING_FILM)
    if activity.kind in SIGN_IN_KINDS and not activity.has_sign_in_sheet and not activity.has_signed_in:
        missing.append(MISSING_SIGN_IN)
    if activity.kind == Kind.HOUSEHOLD_VISIT and not activity.households_reached:
        missing.append(MISSING_HOUSEHOLDS)
    if activity.kind == Kind.ENTERPRISE_SERVICE and not activity.enterprises_reached:
        missing.append(MISSING_ENTERPRISES)
    return missing
