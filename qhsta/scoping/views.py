"""The base of every page that reads or changes scoped rows."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from . import Action
from .pagination import IdsFirstPaginator
from .registry import log_access

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def refuse(request, message: str, *, obj=None, detail: str = ""):
    """Log a refused change (user, time, object) and raise the 403 that tells the user why."""
    log_access("denied_write", request=request, obj=obj, detail=(detail or message)[:300])
    error = PermissionDenied(message)
    error.access_logged = True
    raise error


def scope_exempt(reason: str):
    """Mark a view that reads no scoped rows (login, health check); the route test reads the mark."""

    def mark(view):
        view.scope_exempt = reason
        return view

    return mark


class ScopedViewMixin:
    """Pages read `model` only through `restrict()`; out-of-scope objects answer 404.

    - GET and HEAD need `read_action` (VIEW unless the page is for managers) over the object.
    - Other methods need `write_action` over the object: a visible object the user may not change
      answers 403 with a message; a page without `write_action` refuses every change.
    - Subclasses narrow the rows with `narrow(queryset)`. They cannot override `get_queryset`
      (a TypeError at import time); `dangerously_get_queryset` is the unscoped escape hatch, used
      here only to tell a refused access (logged) from a missing object.
    """

    model = None
    read_action: Action = Action.VIEW
    write_action: Action | None = None
    paginator_class = IdsFirstPaginator  # used by list pages

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; narrow the scoped rows with narrow() instead"
            )

    def dispatch(self, request, *args, **kwargs):
        if request.method not in SAFE_METHODS and self.write_action is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def narrow(self, queryset):
        return queryset

    def get_queryset(self):
        return self.narrow(
            self.model._default_manager.restrict(self.request.user, self.read_action)
        )

    def dangerously_get_queryset(self):
        return self.narrow(self.model._default_manager.all())

    def get_object(self, queryset=None):
        try:
            obj = super().get_object(queryset)
        except Http404:
            self._log_if_refused()
            raise
        if self.request.method not in SAFE_METHODS:
            self.check_write(obj)
        return obj

    def check_write(self, obj) -> None:
        """403 unless the user may perform `write_action` on `obj`."""
        from qhsta.scoping import user_can

        if not user_can(self.request.user, self.write_action, obj):
            refuse(
                self.request,
                _("You may see this, but you may not change it."),
                obj=obj,
                detail=str(self.write_action),
            )

    def _log_if_refused(self) -> None:
        from django.views.generic.detail import SingleObjectMixin

        try:
            hidden = SingleObjectMixin.get_object(self, self.dangerously_get_queryset())
        except Http404:
            return
        log_access("denied_read", request=self.request, obj=hidden, detail=str(self.read_action))
