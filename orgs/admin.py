"""Admin of the organisation tree, role memberships, their permission rows, the access log and accounts."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import User
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .identity import full_name_errors, username_errors
from .models import (
    Account,
    AccountSecurity,
    Membership,
    Organization,
    OrganizationUserObjectPermission,
    PasswordHistory,
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


@admin.register(AccountSecurity)
class AccountSecurityAdmin(ReadOnlyAdmin):
    """Password age and last login, kept by the services (a new password resets them)."""

    list_display = [
        "user",
        "password_changed_at",
        "password_must_change",
        "last_login_at",
        "last_login_address",
    ]
    list_filter = ["password_must_change"]
    search_fields = ["user__username"]


@admin.register(PasswordHistory)
class PasswordHistoryAdmin(ReadOnlyAdmin):
    """When each account last changed its password; the hashes are never shown."""

    list_display = ["user", "created_at"]
    exclude = ["password"]
    search_fields = ["user__username"]


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


class AccountCreationForm(AdminUserCreationForm):
    """The admin's new account: the same username rule as the users pages (orgs.identity)."""

    def clean_username(self):
        username = super().clean_username()
        if problems := username_errors(username):
            raise forms.ValidationError(problems)
        return username


class AccountChangeForm(UserChangeForm):
    """The admin's account form: the same username and name rules as the users pages."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if problems := username_errors(username, user=self.instance):
            raise forms.ValidationError(problems)
        return username

    def clean(self):
        cleaned = super().clean()
        shown = f"{cleaned.get('first_name', '')}{cleaned.get('last_name', '')}"
        if problems := full_name_errors(shown, user=self.instance):
            self.add_error("first_name", problems)
        return cleaned


@admin.register(Account)
class AccountAdmin(UserAdmin):
    """Accounts with the roles they hold (grant and withdraw roles under 角色授权).

    A password set here is an initial one, changed by its owner at the next login; deactivating
    an account ends its tokens and sessions (orgs.services)."""

    inlines = [MembershipInline]
    form = AccountChangeForm
    add_form = AccountCreationForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            services.password_mark_initial(user=obj)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.account_access_revoke(user=obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if (
            request.method == "POST"
            and response.status_code == 302
            and str(id) != str(request.user.pk)
        ):
            user = self.get_object(request, id)
            if user is not None and user.has_usable_password():
                services.password_mark_initial(user=user)
        return response
