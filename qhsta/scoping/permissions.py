"""DRF's permission class for the scoping API (kept apart from the viewsets: DRF's settings import it)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied

from . import user_can
from .registry import log_access


class ScopedPermission(permissions.BasePermission):
    """Active, authenticated users only; writes need the view's `write_action` over the object."""

    message = _("You may see this, but you may not change it.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return view.write_action is not None

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if user_can(request.user, view.write_action, obj):
            return True
        log_access("denied_write", request=request, obj=obj, detail=str(view.write_action))
        raise PermissionDenied(self.message)
