from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .models import (
    Account,
    Membership,
    Organization,
    OrganizationUserObjectPermission,
)


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "code"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organization", "role"]

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if user is not None and role:
            conflict = services.separation_conflict(user=user, role=role)
            if conflict:
                raise forms.ValidationError(conflict)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Roles are granted and withdrawn through the services, so permissions and the log follow."""

    form = MembershipAdminForm

    list_display = ["user", "role", "organization", "granted_by", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "organization__name", "organization__code"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]
    readonly_fields = ["granted_by", "created_at", "updated_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        granted = services.membership_grant(
            user=obj.user, organization=obj.organization, role=obj.role, granter=request.user
        )
        obj.pk = granted.pk

    def delete_model(self, request, obj):
        services.membership_withdraw(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "organization"):
            services.membership_withdraw(membership=membership, actor=request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganizationUserObjectPermission)
class OrganizationPermissionAdmin(ReadOnlyAdmin):
    """Derived from role memberships; read-only so the two never disagree."""

    list_display = ["user", "permission", "content_object"]
    list_select_related = ["user", "permission", "content_object"]
    search_fields = ["user__username", "content_object__name"]


# The audit log (AccessEvent) is not in the admin: only the audit administrator reads it, at
# /audit/ (三员分立); the superuser is for installation.


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ["role", "organization", "granted_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(Account)
class AccountAdmin(UserAdmin):
    """Accounts with the roles they hold (grant and withdraw roles under 角色授权)."""

    inlines = [MembershipInline]
