from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from studyportal.accounts.models import Organization
from studyportal.choices import choice_label
from studyportal.params import validate_date, validate_hours


class Group(models.TextChoices):
    """The three "classrooms" summaries speak of (docs/design.md §3)."""

    LEADING = "leading", _("Leading study")  # 领学
    EXPERIENTIAL = "experiential", _("Experiential study")  # 助学
    PRACTICE = "practice", _("Practice")  # 检学


class Kind(models.TextChoices):
    CENTRAL_GROUP_STUDY = "central_group_study", _("Central group study")
    CENTRAL_GROUP_SEMINAR = "central_group_seminar", _("Central group seminar")
    WEEKLY_STUDY = "weekly_study", _("Weekly theory study")
    BRANCH_ASSEMBLY = "branch_assembly", _("Branch Party member assembly")
    BRANCH_COMMITTEE = "branch_committee", _("Branch committee meeting")
    PARTY_GROUP_MEETING = "party_group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    GUEST_LECTURE = "guest_lecture", _("Guest lecture")
    THEME_PARTY_DAY = "theme_party_day", _("Theme Party day")
    FIELD_VISIT = "field_visit", _("Field visit")
    FILM_VIEWING = "film_viewing", _("Film viewing")
    VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")
    HOUSEHOLD_VISIT = "household_visit", _("Household visit")
    ENTERPRISE_SERVICE = "enterprise_service", _("Enterprise service")


class KindSpec(NamedTuple):
    """What the portal knows of a kind besides its code and translated label (Kind above)."""

    kind: Kind
    group: Group
    zh: str  # the Chinese label offices write in their ledgers (docs/design.md §3)
    aliases: tuple[str, ...] = ()  # other names ledgers use for it, accepted by the importer
    lecture: bool = False  # a speaker is required; a leader's lecture is counted apart
    meeting: bool = False  # "held" (召开) rather than "carried out" (开展)
    central_group: bool = False  # the Party group's central-group study, counted together


# The registry of kinds: the one table the tables below, the importer and the norms read. A new kind
# is a member of Kind, its row here, and a migration for the field's choices.
KINDS = (
    KindSpec(
        Kind.CENTRAL_GROUP_STUDY,
        Group.LEADING,
        "中心组集中学习",
        ("中心组学习", "理论学习中心组集中学习"),
        meeting=True,
        central_group=True,
    ),
    KindSpec(
        Kind.CENTRAL_GROUP_SEMINAR,
        Group.LEADING,
        "中心组交流研讨",
        ("中心组研讨",),
        meeting=True,
        central_group=True,
    ),
    KindSpec(Kind.WEEKLY_STUDY, Group.LEADING, "每周理论学习", meeting=True),
    KindSpec(Kind.BRANCH_ASSEMBLY, Group.LEADING, "支部党员大会", ("党员大会",), meeting=True),
    KindSpec(Kind.BRANCH_COMMITTEE, Group.LEADING, "支部委员会会议", ("支部委员会",), meeting=True),
    KindSpec(Kind.PARTY_GROUP_MEETING, Group.LEADING, "党小组会", meeting=True),
    KindSpec(Kind.PARTY_LECTURE, Group.LEADING, "党课", ("专题党课", "党课/专题党课"), lecture=True),
    KindSpec(Kind.GUEST_LECTURE, Group.LEADING, "专题辅导讲座", ("辅导讲座", "专题讲座"), lecture=True),
    KindSpec(Kind.THEME_PARTY_DAY, Group.EXPERIENTIAL, "主题党日"),
    KindSpec(Kind.FIELD_VISIT, Group.EXPERIENTIAL, "现场教学"),
    KindSpec(Kind.FILM_VIEWING, Group.EXPERIENTIAL, "观影", ("观看教育片", "观影/观看教育片", "观看电教片")),
    KindSpec(Kind.VOLUNTEER_SERVICE, Group.PRACTICE, "志愿服务", ("志愿者服务",)),
    KindSpec(Kind.HOUSEHOLD_VISIT, Group.PRACTICE, "入户走访"),
    KindSpec(
        Kind.ENTERPRISE_SERVICE, Group.PRACTICE, "服务企业", ("企业座谈", "服务企业/企业座谈", "企业家座谈会")
    ),
)

KIND_GROUP = {spec.kind: spec.group for spec in KINDS}
KIND_LABEL_ZH = {spec.kind: spec.zh for spec in KINDS}
KIND_ALIASES = {alias: spec.kind for spec in KINDS for alias in spec.aliases}
LECTURE_KINDS = frozenset(spec.kind for spec in KINDS if spec.lecture)
MEETING_KINDS = frozenset(spec.kind for spec in KINDS if spec.meeting)
CENTRAL_GROUP_KINDS = frozenset(spec.kind for spec in KINDS if spec.central_group)
PRACTICE_KINDS = frozenset(spec.kind for spec in KINDS if spec.group == Group.PRACTICE)

# What the author of a record fills in, in the order its form shows them: the fields activity_create
# and activity_update set (the rest is the services' own: status, review, recorder). A field named
# in KIND_ONLY_FIELDS belongs to those kinds alone.
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
KIND_ONLY_FIELDS = {
    "oath_renewed": frozenset({Kind.FIELD_VISIT}),
    "given_by_leader": LECTURE_KINDS,
    "households_reached": PRACTICE_KINDS,
    "enterprises_reached": PRACTICE_KINDS,
}


def kinds_of_group(group: str) -> list[str]:
    return [kind.value for kind, g in KIND_GROUP.items() if g == group]


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
        return self.filter(kind__in=kinds_of_group(group))

    def alive(self):
        return self.filter(deleted_at__isnull=True)


class Activity(models.Model):
    """One study session, lecture, visit or practice activity of any kind (one table for all kinds,
    so that a person's year, a calendar or a ledger is one query)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
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

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
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
    # Identifies an imported ledger row, so that importing the same file twice adds nothing.
    import_key = models.CharField(_("import key"), max_length=64, blank=True, db_index=True)
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

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[materials])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["organization", "date"], name="activity_org_date"),
            models.Index(fields=["status", "date"], name="activity_status_date"),
            # The list's order over the records not deleted: a committee's list of every agency has no
            # organization filter, so its pages and its count are index-only scans of this one.
            models.Index(
                fields=["-date", "-id"],
                name="activity_list_order",
                condition=models.Q(deleted_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {choice_label(self, 'kind')} {self.title}"

    @property
    def group(self) -> str:
        return KIND_GROUP[self.kind]

    @property
    def is_lecture(self) -> bool:
        return self.kind in LECTURE_KINDS

    @property
    def speaker_display(self) -> str:
        return self.speaker.real_name if self.speaker_id else self.speaker_name


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LEAVE = "leave", _("On leave")
        ABSENT = "absent", _("Absent")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attendances"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="attendances",
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
