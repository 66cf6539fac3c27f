"""The Django admin site of the portal, for superusers only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """Django's admin, for superusers only.

    The admin works with model-wide permissions, which would reach past a user's organisations;
    everyone else changes data through the portal's scoped pages.
    """

    site_header = _("QHSTA plan portal administration")
    site_title = _("QHSTA plan portal")

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser
