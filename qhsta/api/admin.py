"""Admin of API tokens."""

from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for superusers to see and revoke (delete); keys are never stored, so never shown."""

    list_display = ["user", "name", "token_key", "created", "expiry", "last_used_at"]
    list_filter = ["created", "expiry"]
    search_fields = ["user__username", "name", "token_key"]
    readonly_fields = ["user", "name", "token_key", "created", "expiry", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False  # issued through POST /api/v1/auth/token/, which shows the key once
