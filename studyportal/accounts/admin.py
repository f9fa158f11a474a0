from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organization, RoleAssignment, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "real_name", "position", "agency", "branch", "is_leader", "is_active"]
    list_filter = ["agency", "is_leader", "is_party_member", "is_active"]
    search_fields = ["username", "real_name", "position"]
    autocomplete_fields = ["agency", "branch"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password")}),
        (
            _("Personal details"),
            {
                "fields": (
                    "real_name",
                    "position",
                    "agency",
                    "branch",
                    "party_group",
                    "is_party_member",
                    "is_leader",
                )
            },
        ),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "real_name", "agency", "password1", "password2")},
        ),
    )
