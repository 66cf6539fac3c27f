"""API representation of plans, task groups, key tasks and indicators."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from plan.models import Indicator, KeyTask, Plan, TaskGroup


def number(**kwargs):
    """A decimal as a JSON number (values carry up to six decimal places)."""
    return serializers.DecimalField(
        max_digits=20, decimal_places=6, coerce_to_string=False, **kwargs
    )


class PlanSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "title",
            "short_title",
            "document_number",
            "issuer",
            "issued_on",
            "start_year",
            "end_year",
            "organization",
            "updated_at",
        ]


class TaskGroupSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)

    class Meta:
        model = TaskGroup
        fields = ["id", "plan", "number", "label", "title"]


class KeyTaskSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)
    group_number = serializers.IntegerField(source="group.number", read_only=True)

    class Meta:
        model = KeyTask
        fields = ["id", "plan", "group", "group_number", "number", "title", "text"]


class IndicatorSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)
    baseline = number(read_only=True, allow_null=True)
    target = number(read_only=True)
    task = serializers.IntegerField(source="key_task_id", read_only=True, allow_null=True)
    task_number = serializers.IntegerField(
        source="key_task.number", read_only=True, allow_null=True, default=None
    )
    part_of = serializers.IntegerField(
        source="part_of_id",
        read_only=True,
        allow_null=True,
        help_text=_(
            "The indicator whose target this one is part of (task 14: the standing councils' "
            "share is part of the councils' share); that target is met only when every part "
            "reaches it."
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "code",
            "name",
            "name_en",
            "unit",
            "description",
            "baseline",
            "baseline_year",
            "target",
            "target_year",
            "comparison",
            "aggregation",
            "is_headline",
            "task",
            "task_number",
            "part_of",
            "part_label",
            "updated_at",
        ]
