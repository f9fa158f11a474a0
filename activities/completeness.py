"""Ledger completeness: what a record still lacks before the year closes (完整 / 需补充).

The checks read flags that the selectors annotate onto every activity (`completeness_annotations`),
so a whole list page is judged from the one query that fetched it. Each rule is written once, as
data (`RULES`): `missing_items` applies it to a fetched record, `incomplete_q` turns it into the
SQL condition with which a page counts and fetches only the incomplete records of a year.
"""

from dataclasses import dataclass

from django.db.models import CharField, Exists, F, Func, OuterRef, Q, TextField, Value
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Activity, Attachment, Attendance

MISSING_ATTENDANCE = _("no attendance recorded")
MISSING_MINUTES = _("no minutes or notes")
MISSING_PHOTO = _("no photo of the visit")
MISSING_SPEAKER = _("no speaker")
MISSING_SIGN_IN = _("no sign-in sheet")
MISSING_FILM = _("no film or video title")
MISSING_SITE = _("no site")
MISSING_HOUSEHOLDS = _("no number of households reached")
MISSING_ENTERPRISES = _("no number of enterprises reached")

# What Python's str.strip() removes (every character whose isspace() is true; a test checks the
# list), so that SQL judges a text blank exactly as `missing_items` does.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def completeness_annotations() -> dict:
    """Annotations (one EXISTS subquery each) that `missing_items` reads.

    Built once: annotate() resolves copies of them, and building six subqueries costs a page ~0.4 ms.
    """
    return dict(_ANNOTATIONS)


def _annotations() -> dict:
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


_ANNOTATIONS = _annotations()
FLAGS = frozenset(_ANNOTATIONS)


@dataclass(frozen=True)
class Rule:
    """The record lacks `message` when its kind requires `requirement` (activities.kinds.KindSpec;
    every kind when None) and every one of `blank` is blank: a false flag, an empty or whitespace-only
    text, no number or 0, no person."""

    message: object
    requirement: str | None
    blank: tuple[str, ...]

    def missed_by(self, activity) -> bool:
        if self.requirement is not None and self.requirement not in activity.spec.requires:
            return False
        return all(_is_blank(getattr(activity, name)) for name in self.blank)

    def q(self) -> Q:
        condition = Q(kind__in=sorted(kinds.requiring(self.requirement))) if self.requirement else Q()
        for name in self.blank:
            condition &= _blank_q(name)
        return condition


RULES = (
    Rule(MISSING_ATTENDANCE, None, ("has_attendance", "outside_headcount")),
    Rule(MISSING_MINUTES, None, ("notes", "has_minutes_file")),
    Rule(MISSING_SPEAKER, "speaker", ("speaker_id", "speaker_name")),
    Rule(MISSING_SITE, "site", ("location",)),
    Rule(MISSING_PHOTO, "photo", ("has_photo",)),
    Rule(MISSING_FILM, "film", ("has_materials",)),
    # Meetings and lectures are where a sign-in sheet (or QR sign-ins) is the evidence of who came.
    Rule(MISSING_SIGN_IN, "sign_in", ("has_sign_in_sheet", "has_signed_in")),
    Rule(MISSING_HOUSEHOLDS, "households", ("households_reached",)),
    Rule(MISSING_ENTERPRISES, "enterprises", ("enterprises_reached",)),
)


def _is_blank(value) -> bool:
    return not (value.strip() if isinstance(value, str) else value)


def _blank_q(name: str) -> Q:
    if name in FLAGS:
        return Q(**{name: False})
    field = Activity._meta.get_field(name.removesuffix("_id"))
    if isinstance(field, CharField | TextField):
        return Q(Exact(Func(F(name), Value(WHITESPACE), function="LTRIM", output_field=TextField()), ""))
    if field.is_relation:
        return Q(**{f"{name}__isnull": True})
    return Q(**{f"{name}__isnull": True}) | Q(**{name: 0}) if field.null else Q(**{name: 0})


def missing_items(activity) -> list:
    """What the record lacks, as short translated phrases; empty when it is complete."""
    return [rule.message for rule in RULES if rule.missed_by(activity)]


def incomplete_q() -> Q:
    """The records that lack something, as a condition on rows annotated with
    `completeness_annotations` (the same rules as `missing_items`)."""
    condition = Q()
    for rule in RULES:
        condition |= rule.q()
    return condition
