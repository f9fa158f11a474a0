from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A reminder in a person's inbox (and, unless they turned it off, in their e-mail).

    `key` names what it reminds of and for which period ("norm:3:12:2026:month:3:amber"): the unique
    (recipient, key) pair is what keeps `send_reminders` from telling anyone the same thing twice.
    """

    class Level(models.TextChoices):
        WARNING = "warning", _("Due soon")
        DANGER = "danger", _("Missed or overdue")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.WARNING)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="unique_notification_per_recipient"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["created_at"], name="notification_created"),
        ]

    def __str__(self):
        return self.text


class NotificationPreference(models.Model):
    """A person's choice about e-mail; without a row, reminders are e-mailed to an address on file."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("e-mail me the reminders"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.email}"
