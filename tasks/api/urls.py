"""API routes of the plan's execution: periods, work items, assignments, reports, values, rollups."""

from rest_framework.routers import SimpleRouter

from .views import (
    AssignmentViewSet,
    IndicatorRollupViewSet,
    IndicatorValueViewSet,
    PeriodViewSet,
    ProgressReportViewSet,
    ProgressRollupViewSet,
    WorkItemViewSet,
)

router = SimpleRouter()
router.register("work-items", WorkItemViewSet, basename="work-item")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("periods", PeriodViewSet, basename="period")
router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("indicator-values", IndicatorValueViewSet, basename="indicator-value")
router.register("rollups", ProgressRollupViewSet, basename="rollup")
router.register("indicator-rollups", IndicatorRollupViewSet, basename="indicator-rollup")

urlpatterns = router.urls
