"""Study points, publicity placements, study plans and norms (docs/design.md §5)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization, done_by
from studyportal.params import is_web_link, validate_date, validate_web_link, validate_year

from .. import kinds


class StudyPoints(models.Model):
    """Points a person earned on a study platform in a month (month set) or a whole year (month empty)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="study_points",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    platform = models.CharField(_("platform"), max_length=50, default="学习强国")
    points = models.PositiveIntegerField(_("points"))
    imported = models.BooleanField(_("imported"), default=False)

    class Meta:
        verbose_name = _("study points")
        verbose_name_plural = _("study points")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "month", "platform"],
                condition=models.Q(month__isnull=False),
                name="unique_points_month",
            ),
            models.UniqueConstraint(
                fields=["person", "year", "platform"],
                condition=models.Q(month__isnull=True),
                name="unique_points_year",
            ),
        ]
        # The summary and the dashboard read one agency's year per person; the partial unique
        # indexes above cannot serve that, and a county's table would be scanned whole.
        indexes = [models.Index(fields=["person", "year"], name="points_person_year")]

    def __str__(self):
        period = f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        return f"{self.person} {period} {self.platform} {self.points}"


class Publicity(models.Model):
    """A placement (上稿) in the media."""

    class Level(models.TextChoices):
        CENTRAL = "central", _("Central")  # 中央
        PROVINCIAL = "provincial", _("Provincial")  # 省级
        MUNICIPAL = "municipal", _("Municipal")  # 市级
        COUNTY = "county", _("County")  # 县级
        OWN = "own", _("Own new media")  # 本单位

    class Form(models.TextChoices):
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        POST = "post", _("New-media post")

    agency = models.ForeignKey(
        Organization, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="publicity"
    )
    date = models.DateField(_("date"), validators=[validate_date])
    title = models.CharField(_("title"), max_length=200)
    outlet = models.CharField(_("outlet"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    form = models.CharField(_("form"), max_length=16, choices=Form.choices, default=Form.ARTICLE)
    link = models.CharField(_("link"), max_length=500, blank=True, validators=[validate_web_link])
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity reported"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publicity",
    )
    created_by = done_by(_("created by"))
    imported = models.BooleanField(_("imported"), default=False)

    class Meta:
        verbose_name = _("publicity placement")
        verbose_name_plural = _("publicity placements")
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title

    @property
    def web_link(self) -> str:
        """The link as it may be put in a page: http(s) only, whatever an older row holds."""
        return self.link if is_web_link(self.link) else ""


class StudyPlan(models.Model):
    """An agency's plan for a year (年度学习计划)."""

    agency = models.ForeignKey(
        Organization, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_year])
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("study plan")
        verbose_name_plural = _("study plans")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="unique_plan_per_year")]

    def __str__(self):
        return self.title or f"{self.agency} {self.year}"


class PlanItem(models.Model):
    plan = models.ForeignKey(
        StudyPlan, verbose_name=_("study plan"), on_delete=models.CASCADE, related_name="items"
    )
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=kinds.choices, blank=True)
    topic = models.CharField(_("topic"), max_length=300)
    measures = models.TextField(
        _("measures"), blank=True, help_text=_("What will be done; the summary's next steps quote it.")
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lead"), null=True, blank=True, on_delete=models.PROTECT
    )
    fulfilled_by = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("fulfilled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["month", "id"]

    def __str__(self):
        return self.topic


class Norm(models.Model):
    """How often a kind must happen, with the rule it comes from. Editable by the admin."""

    class Scope(models.TextChoices):
        BRANCH = "branch", _("Each Party branch")
        AGENCY = "agency", _("Each agency")

    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")

    kind = models.CharField(_("kind"), max_length=32, choices=kinds.choices)
    kinds_also = models.CharField(
        _("also counts"),
        max_length=200,
        blank=True,
        help_text=_("Other kind codes that count towards this rule, separated by commas."),
    )
    scope = models.CharField(_("applies to"), max_length=16, choices=Scope.choices)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    minimum = models.PositiveSmallIntegerField(_("at least"))
    only_secretary_speaker = models.BooleanField(
        _("given by the branch secretary"),
        default=False,
        help_text=_("Only lectures given by the secretary count."),
    )
    source = models.CharField(_("source"), max_length=200)
    is_local = models.BooleanField(_("local rule"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("norm")
        verbose_name_plural = _("norms")
        ordering = ["scope", "kind", "period"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_period_display()} ≥ {self.minimum}"
