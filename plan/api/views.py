"""The plan's structure: plans, task groups, key tasks and indicators (read-only)."""

from qhsta.api.conditional import ConditionalReadMixin
from qhsta.scoping.api import ScopedReadOnlyViewSet

from ..filters import IndicatorFilter, KeyTaskFilter, PlanFilter, TaskGroupFilter
from ..models import Indicator, KeyTask, Plan, TaskGroup
from .serializers import (
    IndicatorSerializer,
    KeyTaskSerializer,
    PlanSerializer,
    TaskGroupSerializer,
)


class PlanViewSet(ScopedReadOnlyViewSet):
    """Plans of the client's province (everyone in a plan's tree reads it)."""

    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["start_year", "code", "id"]
    ordering = ["-start_year", "id"]

    def narrow(self, queryset):
        return queryset.select_related("organization")


class TaskGroupViewSet(ScopedReadOnlyViewSet):
    """The groups of key tasks (重点任务 sections)."""

    queryset = TaskGroup.objects.all()
    serializer_class = TaskGroupSerializer
    filterset_class = TaskGroupFilter
    ordering_fields = ["number", "id"]
    ordering = ["plan_id", "number"]

    def narrow(self, queryset):
        return queryset.select_related("plan")


class KeyTaskViewSet(ScopedReadOnlyViewSet):
    """The key tasks, numbered across their plan."""

    queryset = KeyTask.objects.all()
    serializer_class = KeyTaskSerializer
    filterset_class = KeyTaskFilter
    ordering_fields = ["number", "id"]
    ordering = ["plan_id", "number"]

    def narrow(self, queryset):
        return queryset.select_related("plan", "group")


class IndicatorViewSet(ConditionalReadMixin, ScopedReadOnlyViewSet):
    """Indicators with their baseline and target; ETag / Last-Modified for polling clients."""

    queryset = Indicator.objects.all()
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["code", "id", "target_year"]
    ordering = ["plan_id", "code"]
    change_fields = ("updated_at",)

    def narrow(self, queryset):
        return queryset.select_related("plan", "key_task")
