import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from studyportal.accounts.models import Organization, done_by
from studyportal.params import validate_date, validate_year


def deadline_horizon(today: datetime.date) -> datetime.date:
    """The last deadline that counts as near (setting RECTIFICATION_WARNING_DAYS, default 30)."""
    return today + datetime.timedelta(days=settings.RECTIFICATION_WARNING_DAYS)


class RectificationItemQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        return self.filter(overdue_q(today))

    def with_overdue(self, today: datetime.date | None = None):
        """Each item annotated with `overdue`, so that a list can sort and filter on it."""
        return self.annotate(
            overdue=models.Case(
                models.When(overdue_q(today), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def deadline_near_or_past(self, today: datetime.date):
        """Open items whose deadline is near (`is_deadline_near`) or past (`is_overdue`)."""
        return self.filter(
            status__in=RectificationItem.OPEN_STATUSES,
            deadline__isnull=False,
            deadline__lte=deadline_horizon(today),
        )


class RectificationItem(models.Model):
    """A problem the agency must fix (整改事项); open ones become the summary's shortcomings."""

    class Category(models.TextChoices):
        THEORY = "theory", _("Theory study")  # 理论学习
        PUBLICITY = "publicity", _("Publicity and public opinion")  # 宣传舆论
        TEAM = "team", _("Team building")  # 队伍建设
        STYLE = "style", _("Work style")  # 作风建设
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        SELF_REVIEW = "self_review", _("Self-review")
        INSPECTION = "inspection", _("Inspection")
        ANNUAL_SUMMARY = "annual_summary", _("Annual summary")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")  # 未开始
        IN_PROGRESS = "in_progress", _("In progress")  # 整改中
        DONE = "done", _("Done")  # 已完成
        CLOSED = "closed", _("Closed")  # 已销号

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    agency = models.ForeignKey(
        Organization, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="rectification_items"
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True, validators=[validate_year])
    problem = models.TextField(_("problem"))
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SELF_REVIEW)
    measures = models.TextField(_("measures"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=[validate_date])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    closing_evidence = models.TextField(_("closing evidence"), blank=True)
    closed_by = done_by(_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    found_in = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("found in activity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_items",
    )
    created_by = done_by(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    imported = models.BooleanField(_("imported"), default=False)
    import_key = models.CharField(_("import key"), max_length=64, blank=True, db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.problem[:40]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """`overdue_q` for one item in hand."""
        today = today or timezone.localdate()
        return self.is_open and self.deadline is not None and self.deadline < today

    def is_deadline_near(self, today: datetime.date | None = None) -> bool:
        """Open, not yet overdue, and due within RECTIFICATION_WARNING_DAYS."""
        today = today or timezone.localdate()
        return (
            self.is_open and self.deadline is not None and today <= self.deadline <= deadline_horizon(today)
        )


def overdue_q(today: datetime.date | None = None) -> models.Q:
    """The one rule for "overdue": still open and past its deadline, whichever year the item was
    filed in (an item carried over from an earlier year is overdue all the same). The model's
    `is_overdue`, the lists, the home page, the dashboard and the overview all use it."""
    return models.Q(status__in=RectificationItem.OPEN_STATUSES, deadline__lt=today or timezone.localdate())


class RectificationProgress(models.Model):
    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("rectification item"),
        on_delete=models.CASCADE,
        related_name="progress",
    )
    date = models.DateField(_("date"), validators=[validate_date])
    note = models.TextField(_("progress"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.note[:40]}"
