from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEntry
from .services import record_restore


@admin.action(description=_("Restore the selected records"))
def restore_deleted_records(modeladmin, request, queryset):
    """An admin action any ModelAdmin of a soft-deletable model may list in its `actions`."""
    restored = 0
    for obj in queryset.filter(deleted_at__isnull=False):
        modeladmin.restore_record(obj=obj, by=request.user)
        restored += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d record restored.", "%(count)d records restored.", restored) % {"count": restored},
        messages.SUCCESS,
    )


class RecycleBinAdmin(admin.ModelAdmin):
    """Only the soft-deleted rows; the one thing to do with them here is restore them. The owners of
    the records register their bins on it (activities/admin/activity.py)."""

    actions = [restore_deleted_records]
    list_display_links = None

    def restore_record(self, *, obj, by):
        record_restore(obj=obj, by=by)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def get_actions(self, request):
        # Django drops actions needing change permission; restoring is allowed to whoever may view the bin.
        return {"restore_deleted_records": self.get_action(restore_deleted_records)}


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the chain may be looked at, never edited, here."""

    list_display = ["seq", "at", "actor_name", "action", "model", "object_id", "object_repr"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "actor_name", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
