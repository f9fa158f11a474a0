from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization

from .activity import Kind


class ActivityMonthStat(models.Model):
    """Approved activities counted per organization, month and kind.

    Kept exact by the services that approve, change or delete a record (activities/stats.py, in the
    same transaction), so the dashboard and the committee's overview never aggregate raw
    attendance rows. `manage.py stats_rebuild --verify` recomputes and compares.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="month_stats")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    activities = models.PositiveIntegerField(default=0)
    leader_lectures = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    on_leave = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)
    outside_headcount = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    enterprises = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=10, decimal_places=1, default=0)
    # On a branch's row: the agency's own activities of the month and kind at which members of the
    # branch were present (a joint 主题党日, a leader's 党课 to all members). They count toward the
    # branch's norms (activities/selectors/norms.py) but are not the branch's: `activities` and every figure
    # summed over a subtree leave them out, so nothing is counted twice.
    joined = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly activity count")
        verbose_name_plural = _("monthly activity counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "month", "kind"], name="unique_month_stat"
            ),
        ]
        indexes = [models.Index(fields=["year", "organization"], name="month_stat_year_org")]

    def __str__(self):
        return f"{self.organization} {self.year}-{self.month:02d} {self.kind}: {self.activities}"


class PersonYearStat(models.Model):
    """A person's attendance at the approved activities of one organization in a year.

    The organization is the activity's (an agency or one of its branches), so a dashboard sums the
    rows under its path. Kept exact with ActivityMonthStat by the same services (activities/stats.py),
    so the low-attendance list never groups raw attendance rows.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="year_stats")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="person_stats")
    year = models.PositiveSmallIntegerField()
    present = models.PositiveIntegerField(default=0)
    on_leave = models.PositiveIntegerField(default=0)
    absent = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("yearly attendance of a person")
        verbose_name_plural = _("yearly attendance of people")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "year"], name="unique_person_year_stat"
            ),
        ]
        indexes = [models.Index(fields=["year", "organization"], name="person_stat_year_org")]

    def __str__(self):
        return f"{self.person} {self.organization} {self.year}: {self.present}/{self.on_leave}/{self.absent}"
