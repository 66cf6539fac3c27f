"""Science popularisation over the API: survey results, venues, bases and events. Writes go
through sciencepop.services, so a survey saved here moves the plan's literacy indicator too."""

from qhsta.params import int_param

from .. import services
from ..models import LiteracySurvey, ScienceBase, ScienceEvent, Venue
from .base import RegisterViewSet
from .serializers import (
    LiteracySurveySerializer,
    ScienceBaseSerializer,
    ScienceEventSerializer,
    VenueSerializer,
)


class LiteracySurveyViewSet(RegisterViewSet):
    """Science-literacy survey results per prefecture and year (filter: `year`, `organization`)."""

    queryset = LiteracySurvey.objects.all()
    serializer_class = LiteracySurveySerializer

    def narrow(self, queryset):
        params = self.request.query_params
        if (year := int_param(params, "year", minimum=1, maximum=9999)) is not None:
            queryset = queryset.filter(year=year)
        if params.get("organization"):
            queryset = queryset.filter(organization__code=params["organization"])
        return queryset.select_related("organization").order_by("-year", "organization__path")

    def service_save(self, *, actor, organization, obj, fields):
        year = fields.pop("year", obj.year if obj else None)
        return services.literacy_survey_save(
            actor=actor, organization=organization, year=year, survey=obj, **fields
        )

    def service_delete(self, *, actor, obj):
        services.literacy_survey_delete(actor=actor, survey=obj)


class VenueViewSet(RegisterViewSet):
    """Science venues per county (filter: `organization`, `status`)."""

    queryset = Venue.objects.all()
    serializer_class = VenueSerializer

    def narrow(self, queryset):
        params = self.request.query_params
        if params.get("organization"):
            queryset = queryset.filter(organization__code=params["organization"])
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        return queryset.select_related("organization").order_by("organization__path", "name")

    def service_save(self, *, actor, organization, obj, fields):
        return services.venue_save(actor=actor, organization=organization, venue=obj, **fields)

    def service_delete(self, *, actor, obj):
        services.venue_delete(actor=actor, venue=obj)


class ScienceBaseViewSet(RegisterViewSet):
    """Science-popularisation bases."""

    queryset = ScienceBase.objects.all()
    serializer_class = ScienceBaseSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def narrow(self, queryset):
        return queryset.select_related("organization").order_by("organization__path", "name")

    def service_save(self, *, actor, organization, obj, fields):
        return services.science_base_save(
            actor=actor, organization=organization, base=obj, **fields
        )


class ScienceEventViewSet(RegisterViewSet):
    """Science-popularisation events with their attendance (filter: `year`)."""

    queryset = ScienceEvent.objects.all()
    serializer_class = ScienceEventSerializer

    def narrow(self, queryset):
        year = int_param(self.request.query_params, "year", minimum=1, maximum=9999)
        if year is not None:
            queryset = queryset.filter(starts_on__year=year)
        return queryset.select_related("organization").order_by("-starts_on", "pk")

    def service_save(self, *, actor, organization, obj, fields):
        return services.science_event_save(
            actor=actor, organization=organization, event=obj, **fields
        )

    def service_delete(self, *, actor, obj):
        services.science_event_delete(actor=actor, event=obj)
