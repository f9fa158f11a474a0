"""The admin's recycle bin: the same tables, listing only soft-deleted rows (activities/admin/activity.py,
on studyportal.audit.admin.RecycleBinAdmin). Kept with the records they show, so that the audit app
never imports activities."""

from django.utils.translation import gettext_lazy as _

from .activity import Activity
from .rectification import RectificationItem


class DeletedActivity(Activity):
    class Meta:
        proxy = True
        verbose_name = _("deleted activity")
        verbose_name_plural = _("deleted activities")


class DeletedRectificationItem(RectificationItem):
    class Meta:
        proxy = True
        verbose_name = _("deleted rectification item")
        verbose_name_plural = _("deleted rectification items")
