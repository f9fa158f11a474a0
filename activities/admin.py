from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import admin_records  # noqa: F401  (registers the norms)
from .models import Activity, Attachment, Attendance, StudyMaterial


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


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
    autocomplete_fields = ["speaker", "recorded_by", "reviewed_by", "materials"]
    inlines = [AttendanceInline, AttachmentInline]


@admin.register(StudyMaterial)
class StudyMaterialAdmin(admin.ModelAdmin):
    search_fields = ["title"]
