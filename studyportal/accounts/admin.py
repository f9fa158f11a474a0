from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organization, RoleAssignment, User
from .services import OrganizationError, organization_move, organization_move_check


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["code", "name", "kind", "parent", "low_points_threshold", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "parent" in self.changed_data:
            try:
                organization_move_check(organization=self.instance, parent=cleaned.get("parent"))
            except OrganizationError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """A new parent is applied by `organization_move`, which rewrites the paths of the whole subtree
    (a plain save would rewrite the organization's own path only); the kind is fixed once created."""

    form = OrganizationForm
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change and "parent" in form.changed_data:
            new_parent = obj.parent
            obj.parent = Organization.objects.get(pk=obj.pk).parent
            super().save_model(request, obj, form, change)
            organization_move(organization=obj, parent=new_parent)
            obj.refresh_from_db()
        else:
            super().save_model(request, obj, form, change)


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
