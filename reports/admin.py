from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ExportJob, Summary, SummarySection


class SummarySectionInline(admin.StackedInline):
    model = SummarySection
    extra = 0
    fields = ["key", "heading", "text", "edited", "updated_by"]
    readonly_fields = ["key", "heading", "edited", "updated_by"]


@admin.register(Summary)
class SummaryAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "year", "status", "finalized_at", "finalized_by"]
    list_filter = ["status", "year"]
    search_fields = ["agency__name"]
    readonly_fields = ["finalized_at", "finalized_by", "final_title"]
    inlines = [SummarySectionInline]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """To see why an export failed (the person who asked sees a fixed message); nothing to edit."""

    list_display = ["created_at", "user", "organization", "year", "kind", "status", "finished_at"]
    list_filter = ["status", "kind", "year"]
    search_fields = ["organization__name", "user__username", "user__real_name"]
    list_select_related = ["user", "organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
