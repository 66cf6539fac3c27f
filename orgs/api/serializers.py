"""API representation of an organisation."""

from rest_framework import serializers

from orgs.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["id", "code", "name", "name_en", "kind", "is_active", "depth", "parent"]
