"""Django admin for the norms: the administrator keeps the rules the norms check applies."""

from django.contrib import admin

from ..models import Norm


@admin.register(Norm)
class NormAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "kinds_also",
        "scope",
        "period",
        "minimum",
        "only_secretary_speaker",
        "is_local",
        "is_active",
        "source",
    ]
    list_filter = ["scope", "period", "is_local", "is_active"]
    list_editable = ["minimum", "is_active"]
    search_fields = ["kind", "source"]
    fieldsets = (
        (None, {"fields": ("kind", "kinds_also", "scope", "period", "minimum", "only_secretary_speaker")}),
        (None, {"fields": ("source", "is_local", "is_active")}),
    )
