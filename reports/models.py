"""The stored, editable draft of an agency's annual summary.

A summary that nobody has touched is not stored: the page shows freshly generated text. The first edit
(or regeneration, or finalization) stores every section, keeping beside the text the generated text it
started from, so the page can tell when the records have changed since.
"""

import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from studyportal.accounts.models import Organization, done_by


class Summary(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    agency = models.ForeignKey(
        Organization, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="summaries"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Kept at finalization so that a final summary reads as it was exported, even if the agency is renamed.
    final_title = models.CharField(_("title"), max_length=200, blank=True)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    finalized_by = done_by(_("finalized by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("annual summary")
        verbose_name_plural = _("annual summaries")
        ordering = ["-year", "agency__path"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="unique_summary_per_year")]

    def __str__(self):
        return f"{self.agency} {self.year}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class SummarySection(models.Model):
    summary = models.ForeignKey(
        Summary, verbose_name=_("annual summary"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(_("section"), max_length=32)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(pgettext_lazy("summary section", "text"))
    # The text as generated when the records were last read; compared with a fresh generation.
    generated_text = models.TextField(_("generated text"))
    edited = models.BooleanField(_("edited by hand"), default=False)
    updated_by = done_by(_("updated by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("summary section")
        verbose_name_plural = _("summary sections")
        constraints = [models.UniqueConstraint(fields=["summary", "key"], name="unique_summary_section")]

    def __str__(self):
        return f"{self.summary} · {self.key}"


# The annual summary's state as every page, badge and export names it: its label and its badge's
# colour. "" is a summary nobody has touched yet (nothing stored; the page shows generated text).
SUMMARY_STATES = {
    Summary.Status.FINAL: (Summary.Status.FINAL.label, "text-bg-success"),
    Summary.Status.DRAFT: (Summary.Status.DRAFT.label, "text-bg-warning"),
    "": (_("Not started"), "text-bg-light border"),
}


def _export_path(job, filename: str) -> str:
    # A random name (no folder that would stay behind): the storage path (an S3 key in production)
    # cannot be guessed from the job, the year or the organization.
    return f"exports/{secrets.token_urlsafe(24)}{Path(filename).suffix}"


class ExportJob(models.Model):
    """A long export built in the background (docs/scaling.md): who asked, what, and where it stands.

    Kept in the portal's own table, so the status page reads the same whatever runs the tasks. The
    id is random (it is in the status URL); only the person who asked sees the job.
    """

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("Excel ledgers")
        ARCHIVE = "archive", _("Study archive")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LEDGER)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    file = models.FileField(_("file"), upload_to=_export_path, max_length=255, blank=True)
    # The tasks backend's own id for the run, to find it in the worker's log or table.
    task_id = models.CharField(max_length=64, blank=True)
    # For the administrator; the person who asked sees a fixed message.
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organization} {self.year} {self.get_kind_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
