"""API endpoint of the organisation tree, scoped like the pages (read only)."""

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Length, Substr

from orgs.models import Organization
from qhsta.scoping.api import ScopedReadOnlyViewSet

from .serializers import OrganizationSerializer


class OrganizationViewSet(ScopedReadOnlyViewSet):
    """Organisations in the client's scope, in tree order; `parent` only when it is visible too."""

    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer

    def narrow(self, queryset):
        visible_parent = Organization.objects.restrict(self.request.user).filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - 4)
        )
        return queryset.annotate(parent_code=Subquery(visible_parent.values("code")[:1])).order_by(
            F("path")
        )
