"""An API resource of a register: scoped reads, writes through the register's services."""

from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from orgs.models import Organization
from qhsta.scoping import Action
from qhsta.scoping.api import ScopedViewSetMixin


class OrganizationCodeField(serializers.SlugRelatedField):
    """An organisation by its code, found only among those the client may record for (REPORT):
    a code outside the client's scope answers exactly like an unknown one (400, no name), so a
    write error never tells who an organisation is. The service still checks every write."""

    def __init__(self, **kwargs):
        if not kwargs.get("read_only"):
            kwargs["queryset"] = Organization.objects.none()
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = request.user if request is not None else None
        return Organization.objects.restrict(user, Action.REPORT)


class RegisterViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Create, change (PATCH) and remove through `service_save(actor, organization, obj, fields)`
    and `service_delete(actor, obj)`; a service's refusal is a 400 or 403 with the reason."""

    write_action = Action.REPORT
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def service_save(self, *, actor, organization, obj, fields):  # pragma: no cover - abstract
        raise NotImplementedError

    def service_delete(self, *, actor, obj):
        raise NotImplementedError

    def _respond(self, obj, code=status.HTTP_200_OK):
        return Response(self.get_serializer(obj).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        organization = fields.pop("organization")
        obj = self.service_save(
            actor=request.user, organization=organization, obj=None, fields=fields
        )
        return self._respond(obj, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {
            name: getattr(obj, name)
            for name in serializer.fields
            if not serializer.fields[name].read_only and name != "organization"
        }
        fields.update(serializer.validated_data)
        organization = fields.pop("organization", obj.organization)
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        obj = self.service_save(
            actor=request.user, organization=organization, obj=fresh, fields=fields
        )
        return self._respond(obj)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        self.service_delete(actor=request.user, obj=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)
