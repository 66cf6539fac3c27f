"""API representation of literacy surveys, venues, science bases and events."""

from rest_framework import serializers

from ..models import LiteracySurvey, ScienceBase, ScienceEvent, Venue
from .base import OrganizationCodeField


class LiteracySurveySerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()
    rate = serializers.DecimalField(max_digits=9, decimal_places=4, read_only=True)
    literate_population = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True)

    class Meta:
        model = LiteracySurvey
        fields = [
            "id",
            "organization",
            "year",
            "sample_size",
            "sample_literate",
            "reported_rate",
            "population",
            "rate",
            "literate_population",
            "source",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []  # (organization, year) is checked by the service, with a clear message


class VenueSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = Venue
        fields = [
            "id",
            "organization",
            "name",
            "kind",
            "status",
            "opened_on",
            "floor_area",
            "address",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []


class ScienceBaseSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = ScienceBase
        fields = [
            "id",
            "organization",
            "name",
            "level",
            "theme",
            "recognised_year",
            "valid_until",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []


class ScienceEventSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = ScienceEvent
        fields = [
            "id",
            "organization",
            "title",
            "kind",
            "base",
            "starts_on",
            "ends_on",
            "location",
            "attendance",
            "online_views",
            "bilingual",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []
