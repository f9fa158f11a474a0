from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from studyportal.accounts.models import Organization
from studyportal.choices import choice_label, label_of
from studyportal.params import validate_date, validate_hours

from .. import kinds

# What the author of a record fills in, in the order its form shows them: the fields activity_create
# and activity_update set (the rest is the services' own: status, review, recorder). The fields only
# some kinds have are named in their rows of the registry (activities.kinds: `fields`, `lecture`).
RECORD_FIELDS = (
    "organization",
    "kind",
    "date",
    "start_time",
    "end_time",
    "title",
    "location",
    "oath_renewed",
    "speaker",
    "speaker_name",
    "given_by_leader",
    "households_reached",
    "enterprises_reached",
    "hours",
    "outside_headcount",
    "notes",
)


class StudyMaterial(models.Model):
    """A title studied (a book, a document, a film or video). One row per title, shared by sessions."""

    title = models.CharField(_("title"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")
        ordering = ["title"]

    def __str__(self):
        return f"《{self.title}》"


class ActivityQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Activity.Status.APPROVED)

    def of_year(self, year: int):
        return self.filter(date__year=year)

    def in_group(self, group: str):
        return self.filter(kind__in=kinds.kinds_where(group=group))

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def newest_first(self):
        """The default order (date, then id, newest first), for a few of one agency's rows: spelt
        NULLS LAST (no date is null), which the list's index of every agency's records
        (`activity_list_order`) does not hold. Asked for the first ten of an agency's rows in that
        index's order, PostgreSQL walks it through every agency's year (442,705 entries at the
        city's scale, 4.7 s, for an agency with few such rows) instead of reading the agency's own."""
        return self.order_by(models.F("date").desc(nulls_last=True), models.F("id").desc())


class Activity(models.Model):
    """One study session, lecture, visit or practice activity of any kind (one table for all kinds,
    so that a person's year, a calendar or a ledger is one query)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    # No index of its own: activity_org_date (below) begins with it and serves every lookup by it.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=32, choices=kinds.choices, db_index=True)
    date = models.DateField(_("date"), db_index=True, validators=[validate_date])
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    title = models.CharField(_("title / theme"), max_length=200)
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("For a field visit: the site visited.")
    )
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("speaker / study leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities_spoken",
    )
    speaker_name = models.CharField(
        _("outside speaker"),
        max_length=100,
        blank=True,
        help_text=_("For a speaker who is not one of our people."),
    )
    given_by_leader = models.BooleanField(_("given by a leader"), default=False)
    oath_renewed = models.BooleanField(_("Party oath renewed"), default=False)
    households_reached = models.PositiveIntegerField(_("households reached"), null=True, blank=True)
    enterprises_reached = models.PositiveIntegerField(_("enterprises reached"), null=True, blank=True)
    outside_headcount = models.PositiveIntegerField(_("outside participants"), default=0)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[validate_hours]
    )
    materials = models.ManyToManyField(
        StudyMaterial, verbose_name=_("study materials"), blank=True, related_name="activities"
    )
    notes = models.TextField(_("notes / minutes"), blank=True)

    # No index of its own: activity_status_date (below) begins with it.
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(_("review comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="activities_recorded",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities_reviewed",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    imported = models.BooleanField(_("imported"), default=False)
    # Identifies an imported ledger row, so that importing the same file twice adds nothing. Not
    # indexed: an import reads its agency's keys once (activities/imports/activities.py), and two
    # indexes of random 64-character keys cost an import of 100,000 rows seconds to keep up.
    import_key = models.CharField(_("import key"), max_length=64, blank=True)
    # The upload a recorder's imported records came with: the secretary reviews them as one batch.
    import_batch = models.ForeignKey(
        "activities.ImportBatch",
        verbose_name=_("upload"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    # The history is read by record (its `id`) and by when; the indexes the other columns have in
    # the table above would only cost every write (an import writes 100,000 history rows).
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=[materials],
        no_db_index=["organization", "date", "kind", "speaker", "recorded_by", "reviewed_by", "import_batch"],
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organization", "date"], name="activity_org_date"),
            # One agency's records of a kind (the filtered list, the norms' lectures) and its records
            # awaiting review (the dashboard's queue, the list by status): without these PostgreSQL
            # intersects the agency's records with every agency's of that kind or status, a read
            # that grows with the city although the page shows one agency (bench/results).
            models.Index(fields=["organization", "kind", "date"], name="activity_org_kind_date"),
            models.Index(
                fields=["organization", "status"],
                name="activity_org_status",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["status", "date"], name="activity_status_date"),
            # The list's order over the records not deleted: a committee's list of every agency has no
            # organization filter, so its pages and its count are index-only scans of this one.
            models.Index(
                fields=["-date", "-id"],
                name="activity_list_order",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # The norms engine's lectures given by a secretary (activities/selectors/norms.py): the
            # year's counted lectures as one range of this index, read without the table (a city's
            # ~16,500), instead of walking each secretary's every record by the plain speaker index.
            models.Index(
                fields=["kind", "date"],
                name="activity_lecture_year",
                include=["organization", "speaker"],
                condition=models.Q(status="approved", deleted_at__isnull=True, speaker__isnull=False),
            ),
        ]

    def __str__(self):
        return self.str_of(self.date, self.kind, self.title)

    @classmethod
    def str_of(cls, date, kind: str, title: str) -> str:
        """What str() of a record of these values reads, without the record: an import names its
        100,000 new records in the audit trail from their values."""
        return f"{date:%Y-%m-%d} {label_of(cls, 'kind', kind)} {title}"

    @property
    def spec(self) -> kinds.KindSpec:
        return kinds.spec(self.kind)

    @property
    def group(self) -> str:
        return self.spec.group

    @property
    def is_lecture(self) -> bool:
        return self.spec.lecture

    @property
    def speaker_display(self) -> str:
        return self.speaker.real_name if self.speaker_id else self.speaker_name


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LEAVE = "leave", _("On leave")
        ABSENT = "absent", _("Absent")

    # Neither key has an index of its own: unique_attendance begins with the activity and
    # attendance_person with the person (below), and an import writes a million rows into all four.
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="attendances",
        db_index=False,
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="attendances",
        db_index=False,
    )
    status = models.CharField(_("attendance"), max_length=16, choices=Status.choices, default=Status.PRESENT)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="unique_attendance")]
        indexes = [
            models.Index(fields=["person", "activity"], name="attendance_person"),
            # The ledger's completeness check asks "anyone signed in by QR?" for every listed record;
            # without this PostgreSQL scans the whole attendance table for it (bench/results).
            models.Index(
                fields=["activity"],
                condition=models.Q(signed_in_at__isnull=False),
                name="attendance_signed_in",
            ),
        ]

    def __str__(self):
        # The audit trail names each bulk-written attendance row by this.
        return f"{self.person} · {choice_label(self, 'status')}"


def attachment_path(instance, filename):
    # Never under a public URL: files are served only by the permission-checked download view.
    return f"attachments/{instance.activity_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        SIGN_IN = "sign_in", _("Sign-in sheet")
        MINUTES = "minutes", _("Minutes")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
