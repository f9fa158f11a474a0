from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from studyportal.audit.admin import RecycleBinAdmin

from ..models import (
    Activity,
    Attachment,
    Attendance,
    DeletedActivity,
    DeletedRectificationItem,
    StudyMaterial,
)
from ..services.activity import activity_restore


class AttendanceInline(admin.TabularInline):
    """Shown, not edited: attendance is counted in the summary rows, which only the services keep."""

    model = Attendance
    extra = 0
    fields = ["person", "status", "signed_in_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "title", "organization", "status", "imported", "deleted_at"]
    list_filter = ["status", "kind", "imported"]
    search_fields = ["title", "location", "speaker_name", "notes"]
    date_hierarchy = "date"
    list_select_related = ["organization"]
    autocomplete_fields = ["speaker", "materials"]
    inlines = [AttendanceInline, AttachmentInline]
    # What the summary rows count, and the review, change only through the services (the record's
    # pages: edit, review, delete, the recycle bin); here they are shown. The rest (title, place,
    # speaker, materials, notes) is plain text the administrator may correct.
    readonly_fields = [
        "organization",
        "kind",
        "date",
        "status",
        "given_by_leader",
        "outside_headcount",
        "households_reached",
        "enterprises_reached",
        "hours",
        "review_comment",
        "recorded_by",
        "reviewed_by",
        "reviewed_at",
        "submitted_at",
        "imported",
        "import_key",
        "deleted_at",
    ]

    # New records, deletions and going back to an old version would all write around the services.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True


@admin.register(StudyMaterial)
class StudyMaterialAdmin(admin.ModelAdmin):
    search_fields = ["title"]


@admin.register(DeletedActivity)
class DeletedActivityAdmin(RecycleBinAdmin):
    list_display = ["date", "title", "kind", "organization", "deleted_at"]
    list_filter = ["organization"]
    search_fields = ["title"]
    ordering = ["-deleted_at"]

    def restore_record(self, *, obj, by):
        # Through the activities service, so an approved record counts again in the summary rows.
        activity_restore(activity=obj, by=by)


@admin.register(DeletedRectificationItem)
class DeletedRectificationItemAdmin(RecycleBinAdmin):
    list_display = ["problem", "year", "agency", "deleted_at"]
    list_filter = ["agency", "year"]
    search_fields = ["problem"]
    ordering = ["-deleted_at"]
