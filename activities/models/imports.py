from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from studyportal.accounts.models import Organization


class ImportBatch(models.Model):
    """An uploaded ledger kept between the preview and the confirmation.

    The file lives in the database, not on local disk, so that the confirming request may be served
    by another process than the one that took the upload.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    ledger_type = models.CharField(_("ledger type"), max_length=32)
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # The check of the file, made once when it arrives (ImportResult.as_preview): counts, the first
    # rows, every problem. Pages show this; the file is read again only to import it. None while a
    # background check runs.
    preview = models.JSONField(null=True, blank=True)
    # Rows checked so far by a background check or import, out of `total`, for its progress bar.
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        CHECKING = "checking", _("Being checked")
        IMPORTING = "importing", _("Being imported")
        FAILED = "failed", _("Failed")

    # A large upload is checked and imported by a background task (activities/imports/tasks.py); a small one,
    # or any without TASKS_BACKEND, is READY as soon as it is stored.
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.READY)
    started_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)  # what failed, for the logs and the admin; the page says less

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")

    def __str__(self):
        return self.filename
