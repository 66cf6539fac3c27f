"""The base of every API endpoint: DRF's side of the scoping API."""

from django.http import Http404
from rest_framework import viewsets

from . import Action
from .permissions import ScopedPermission
from .registry import log_access


class ScopedViewSetMixin:
    """Endpoints list and fetch only `restrict()`ed rows; out of scope is 404.

    Like the page mixin, subclasses narrow rows with `narrow()` and cannot override get_queryset.
    """

    permission_classes = (ScopedPermission,)
    # Ids are whole numbers: anything else is no route (the API's JSON 404), never a lookup.
    lookup_value_regex = "[0-9]{1,18}"
    read_action: Action = Action.VIEW
    write_action: Action | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; narrow the scoped rows with narrow() instead"
            )

    def narrow(self, queryset):
        return queryset

    def get_queryset(self):
        model = self.queryset.model
        return self.narrow(model._default_manager.restrict(self.request.user, self.read_action))

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            self._log_if_refused()
            raise

    def _log_if_refused(self) -> None:
        from qhsta.params import parse_int

        lookup = parse_int(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        if lookup is None:
            return
        model = self.queryset.model
        hidden = model._default_manager.filter(**{self.lookup_field: lookup}).first()
        if hidden is not None:
            log_access(
                "denied_read", request=self.request, obj=hidden, detail=str(self.read_action)
            )


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
