# One module though long: recording, review and sign-in write the same Activity and its attendance
# under the same locks and stats_kept, with the private helpers (_agency_of, _check_people)
# they share; the views call them as one `services`.
"""Writes on activities: recording, review, attachments and sign-in.

Every function checks who may do it (a PermissionDenied for a role too low) and runs in one
transaction. Services that make a record approved or change an approved one keep the monthly
counts exact by making the change inside `with stats_kept(pk):` (activities/stats.py).
"""

import datetime
import decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from studyportal.accounts.models import Organization, Role, RoleAssignment
from studyportal.accounts.scoping import has_role
from studyportal.audit.models import AuditEntry
from studyportal.audit.services import audit_record_bulk, record_restore

from ..models import RECORD_FIELDS, Activity, Attachment, Attendance, StudyMaterial
from ..stats import stats_kept
from ..uploads import stored_name, validate_upload

Status = Activity.Status


def hours_between(start: datetime.time, end: datetime.time) -> decimal.Decimal:
    """Study hours of a session from its time span, to one decimal: 09:00–11:30 → 2.5."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return (decimal.Decimal(minutes) / 60).quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)


class ActivityError(Exception):
    """A refused change, with a message for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- who may do what -------------------------------------------------------------------------


def can_edit(user, activity: Activity) -> bool:
    organization = activity.organization
    if activity.status == Status.APPROVED:
        return has_role(user, organization, Role.SECRETARY)
    if has_role(user, organization, Role.RECORDER):
        return True
    return (
        has_role(user, organization, Role.STAFF)
        and activity.recorded_by_id == user.pk
        and activity.status in (Status.DRAFT, Status.RETURNED)
    )


def can_submit(user, activity: Activity) -> bool:
    return activity.status in (Status.DRAFT, Status.RETURNED) and can_edit(user, activity)


def can_review(user, activity: Activity) -> bool:
    return has_role(user, activity.organization, Role.SECRETARY)


def other_secretary_covers(organization: Organization, than) -> bool:
    """Whether someone other than `than` holds the secretary role on `organization` or one above it
    within its agency (the people who could review its records instead)."""
    agency = organization.agency
    if agency is None:
        return False
    # "/1/5/9/" → "/1/", "/1/5/", "/1/5/9/": the organization and those above it, kept within the agency.
    parts = organization.path.strip("/").split("/")
    covering = ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    covering = [path for path in covering if path.startswith(agency.path)]
    return (
        RoleAssignment.objects.filter(
            role=Role.SECRETARY,
            organization__path__in=covering,
            organization__is_active=True,
            user__is_active=True,
        )
        .exclude(user_id=than.pk)
        .exists()
    )


def approves_own_records(user, organization: Organization) -> bool:
    """Four eyes (FOUR_EYES_REVIEW): whether `user` may approve records they recorded themselves for
    `organization`, i.e. the rule is off or nobody else could review them."""
    return not settings.FOUR_EYES_REVIEW or not other_secretary_covers(organization, than=user)


def can_approve(user, activity: Activity) -> bool:
    """The review rule for approving, for the service and for the pages that show the button: a
    reviewer, and (four eyes) not whoever recorded the record, unless nobody else could approve it."""
    return can_review(user, activity) and not _four_eyes_blocks(user, activity)


def _four_eyes_blocks(user, activity: Activity) -> bool:
    return activity.recorded_by_id == user.pk and not approves_own_records(user, activity.organization)


def can_show_qr(user, activity: Activity) -> bool:
    return has_role(user, activity.organization, Role.RECORDER) or activity.recorded_by_id == user.pk


# The day of an activity is a day in the county's time, whatever the server's zone.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def sign_in_closes_at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=LOCAL_ZONE)


# Once a record is submitted for review (or approved) what the secretary reviews must not change
# under them: the self sign-in by QR closes. The recorder and secretary may still mark attendance
# on the live list (attendance_mark), as they may edit the record.
SIGN_IN_CLOSED_STATUSES = (Status.SUBMITTED, Status.APPROVED)


def sign_in_closed_reason(activity: Activity, now: datetime.datetime | None = None) -> str | None:
    """Why sign-in by QR is closed now (a message for the user), or None while it is open: it is
    open until the end of the activity's day and while the record is a draft or returned."""
    if (now or timezone.now()) >= sign_in_closes_at(activity.date):
        return _("This sign-in code has expired: sign-in closes at the end of the activity's day.")
    if activity.status in SIGN_IN_CLOSED_STATUSES:
        return _(
            "Sign-in has closed: the record has been submitted for review or approved. "
            "Ask the recorder to mark your attendance."
        )
    return None


def sign_in_open(activity: Activity, now: datetime.datetime | None = None) -> bool:
    """Whether sign-in codes may be shown and accepted now (no code is offered otherwise, on the
    record's page or on the screen)."""
    return sign_in_closed_reason(activity, now) is None


# --- materials -------------------------------------------------------------------------------


def materials_get_or_create(titles: list[str]) -> list[StudyMaterial]:
    existing = {material.title: material for material in StudyMaterial.objects.filter(title__in=titles)}
    materials = []
    for title in titles:
        material = existing.get(title)
        if material is None:
            material, _created = StudyMaterial.objects.get_or_create(title=title)
        materials.append(material)
    return materials


# --- recording -------------------------------------------------------------------------------


def _agency_of(organization: Organization) -> Organization:
    agency = organization.agency
    if agency is None:
        raise ActivityError(_("Activities are recorded for an agency or one of its Party branches."))
    return agency


def _check_people(agency: Organization, people) -> None:
    strangers = [person for person in people if person is not None and person.agency_id != agency.pk]
    if strangers:
        raise ActivityError(
            _("%(names)s do not belong to %(agency)s.")
            % {"names": "、".join(str(person) for person in strangers), "agency": agency}
        )


def _set_attendance(activity: Activity, attendance: dict, by) -> str:
    """Make the attendance rows match `attendance` ({person: status}); returns a note for the history."""
    current = {row.person_id: row for row in activity.attendances.select_related("person")}
    wanted = {person.pk: (person, status) for person, status in attendance.items()}
    changes = []
    removed = [row for person_id, row in current.items() if person_id not in wanted]
    if removed:
        Attendance.objects.filter(pk__in=[row.pk for row in removed]).delete()
        changes.append(_("removed %(names)s") % {"names": "、".join(str(row.person) for row in removed)})
    added, changed = [], []
    for person_id, (person, status) in wanted.items():
        row = current.get(person_id)
        if row is None:
            added.append(Attendance(activity=activity, person=person, status=status))
        elif row.status != status:
            row.status = status
            row.save(update_fields=["status"])
            changed.append(person)
    if added:
        Attendance.objects.bulk_create(added)
        audit_record_bulk(model=Attendance, objects=added, action=AuditEntry.Action.CREATE, by=by)
        changes.append(_("added %(names)s") % {"names": "、".join(str(row.person) for row in added)})
    if changed:
        changes.append(_("changed %(names)s") % {"names": "、".join(str(person) for person in changed)})
    return "; ".join(changes)


def _apply_fields(activity: Activity, fields: dict) -> None:
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value)
    if activity.speaker_id:
        activity.speaker_name = ""
    if fields.get("given_by_leader") is None and "given_by_leader" in fields:
        activity.given_by_leader = bool(activity.speaker_id and activity.speaker.is_leader)
    if activity.start_time and activity.end_time and activity.end_time < activity.start_time:
        raise ActivityError(_("The end time is before the start time."))
    activity.outside_headcount = activity.outside_headcount or 0


@transaction.atomic
def activity_create(
    *,
    by,
    organization: Organization,
    kind: str,
    date: datetime.date,
    title: str,
    attendance: dict | None = None,
    materials: list[str] | None = None,
    **fields,
) -> Activity:
    """A new draft. `attendance` is {person: Attendance.Status}; `materials` a list of titles."""
    if not has_role(by, organization, Role.STAFF):
        raise PermissionDenied
    agency = _agency_of(organization)
    attendance = attendance or {}
    fields.setdefault("given_by_leader", None)
    _check_people(agency, [*attendance, fields.get("speaker")])
    activity = Activity(organization=organization, kind=kind, date=date, title=title, recorded_by=by)
    _apply_fields(activity, fields)
    activity._history_user = by
    activity.save()
    if materials:
        activity.materials.set(materials_get_or_create(materials))
    if attendance:
        _set_attendance(activity, attendance, by)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    by,
    attendance: dict | None = None,
    materials: list[str] | None = None,
    seen_updated_at: datetime.datetime | None = None,
    **fields,
) -> Activity:
    """Change a record; an approved one only by a secretary or admin, logged with who and what it was.

    `seen_updated_at` is the record's `updated_at` when the editor opened it: if the record changed
    since, the edit is refused rather than silently overwriting the other person's change.
    """
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not can_edit(by, activity):
        raise PermissionDenied
    if seen_updated_at is not None and activity.updated_at != seen_updated_at:
        raise ActivityError(_("This record was changed by someone else; reload the page and try again."))
    moved_to = fields.get("organization", activity.organization)
    if moved_to != activity.organization and not has_role(by, moved_to, Role.STAFF):
        raise PermissionDenied
    agency = _agency_of(fields.get("organization", activity.organization))
    _check_people(agency, [*(attendance or {}), fields.get("speaker")])
    with stats_kept(activity.pk):
        _apply_fields(activity, fields)
        notes = []
        if materials is not None:
            wanted = materials_get_or_create(materials)
            if {m.pk for m in wanted} != set(activity.materials.values_list("pk", flat=True)):
                activity.materials.set(wanted)
        if attendance is not None:
            note = _set_attendance(activity, attendance, by)
            if note:
                notes.append(_("Attendance: %(changes)s") % {"changes": note})
        activity._history_user = by
        activity._change_reason = "; ".join(notes)[:100] or None
        activity.save()
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, by) -> None:
    """Soft delete: the row stays for whatever points at it, and drops out of every list and count."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not can_edit(by, activity):
        raise PermissionDenied
    with stats_kept(activity.pk):
        activity.deleted_at = timezone.now()
        activity._history_user = by
        activity.save()


@transaction.atomic
def activity_restore(*, activity: Activity, by) -> Activity:
    """Bring a soft-deleted record back from the recycle bin, into every list and count again."""
    activity = Activity._base_manager.select_for_update().get(pk=activity.pk)
    if activity.deleted_at is None:
        return activity
    with stats_kept(activity.pk):
        activity = record_restore(obj=activity, by=by)
    return activity


# --- review ----------------------------------------------------------------------------------


def _locked(activity: Activity) -> Activity:
    # Nothing joined in the locking query: PostgreSQL re-reads a row it waited for, but not the
    # joined rows, so a reviewer fetched in the same query could be stale.
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _refusal(activity: Activity, wanted: str) -> ActivityError:
    reviewer = activity.reviewed_by.real_name if activity.reviewed_by_id else ""
    if activity.status == Status.APPROVED and reviewer:
        return ActivityError(_("This record has already been approved by %(name)s.") % {"name": reviewer})
    if activity.status == Status.RETURNED and reviewer and wanted != "submit":
        return ActivityError(_("This record has already been returned by %(name)s.") % {"name": reviewer})
    messages = {
        "submit": _("Only a draft or a returned record can be submitted; this one is %(status)s."),
        "approve": _("Only a submitted record can be approved; this one is %(status)s."),
        "return": _("Only a submitted record can be returned; this one is %(status)s."),
    }
    return ActivityError(messages[wanted] % {"status": activity.get_status_display()})


@transaction.atomic
def activity_submit(*, activity: Activity, by) -> Activity:
    activity = _locked(activity)
    if activity.status not in (Status.DRAFT, Status.RETURNED):
        raise _refusal(activity, "submit")
    if not can_submit(by, activity):
        raise PermissionDenied
    activity.status = Status.SUBMITTED
    activity.submitted_at = timezone.now()
    activity._history_user = by
    activity.save()
    return activity


@transaction.atomic
def activity_approve(*, activity: Activity, by) -> Activity:
    # The row lock makes a second secretary wait, then see the first one's decision and be refused.
    activity = _locked(activity)
    if not can_review(by, activity):
        raise PermissionDenied
    if activity.status != Status.SUBMITTED:
        raise _refusal(activity, "approve")
    if _four_eyes_blocks(by, activity):
        raise ActivityError(
            _(
                "You recorded this record, so another secretary of the agency approves it: "
                "a record is approved by someone other than its recorder."
            )
        )
    with stats_kept(activity.pk):
        activity.status = Status.APPROVED
        activity.reviewed_by = by
        activity.reviewed_at = timezone.now()
        activity._history_user = by
        activity.save()
    return activity


@transaction.atomic
def activity_return(*, activity: Activity, by, comment: str) -> Activity:
    activity = _locked(activity)
    if not can_review(by, activity):
        raise PermissionDenied
    if activity.status != Status.SUBMITTED:
        raise _refusal(activity, "return")
    comment = (comment or "").strip()
    if not comment:
        raise ActivityError(_("Say what needs to be fixed when returning a record."))
    activity.status = Status.RETURNED
    activity.review_comment = comment
    activity.reviewed_by = by
    activity.reviewed_at = timezone.now()
    activity._history_user = by
    activity.save()
    return activity


APPROVE = "approve"
RETURN = "return"


def activity_review(*, activity: Activity, by, decision: str, comment: str = "") -> Activity:
    """The review's one door, for the record's page and the dashboard's queue alike: APPROVE, or
    RETURN with a comment saying what needs fixing. The four-eyes rule (FOUR_EYES_REVIEW) sits in
    activity_approve, so the import batch's approval obeys it too."""
    if decision == APPROVE:
        return activity_approve(activity=activity, by=by)
    if decision == RETURN:
        return activity_return(activity=activity, by=by, comment=comment)
    raise ValueError(f"unknown review decision {decision!r}")


# --- attachments and sign-in -----------------------------------------------------------------


@transaction.atomic
def attachment_add(*, activity: Activity, by, file, kind: str = Attachment.Kind.PHOTO) -> Attachment:
    """Store an upload after checking its content; files never get a public URL."""
    if not can_edit(by, activity):
        raise PermissionDenied
    content_type = validate_upload(file)
    original_name = file.name
    file.name = stored_name(original_name)
    return Attachment.objects.create(
        activity=activity,
        kind=kind,
        file=file,
        original_name=original_name[:255],
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )


def _attendance_write(activity: Activity, person, *, status: str, signed_in: bool) -> Attendance:
    """One person's attendance, with the count rows kept exact around it (one place for the QR
    sign-in and the recorder's marks on the live sign-in page)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    # Checked under the lock: a submit that won the race closes the self sign-in.
    if signed_in and activity.status in SIGN_IN_CLOSED_STATUSES:
        raise ActivityError(sign_in_closed_reason(activity))
    _check_people(_agency_of(activity.organization), [person])
    with stats_kept(activity.pk):
        row, _created = Attendance.objects.get_or_create(activity=activity, person=person)
        row.status = status
        if signed_in:
            row.signed_in_at = row.signed_in_at or timezone.now()
        row.save(update_fields=["status", "signed_in_at"])
        # The record changed: an edit form opened before the sign-in must be refused as stale.
        Activity.objects.filter(pk=activity.pk).update(updated_at=timezone.now())
    return row


@transaction.atomic
def activity_sign_in(*, activity: Activity, person) -> Attendance:
    """Mark the person present (QR sign-in); repeating it changes nothing but the first time."""
    return _attendance_write(activity, person, status=Attendance.Status.PRESENT, signed_in=True)


@transaction.atomic
def attendance_mark(*, activity: Activity, person, status: str, by) -> Attendance:
    """The recorder marks someone present, on leave or absent from the live sign-in page."""
    if not can_edit(by, activity):
        raise PermissionDenied
    if status not in Attendance.Status.values:
        raise ActivityError(_("Unknown attendance status."))
    return _attendance_write(activity, person, status=status, signed_in=False)
