from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Summary, SummarySection


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
