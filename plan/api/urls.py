"""API routes of the plan's structure."""

from rest_framework.routers import SimpleRouter

from .views import IndicatorViewSet, KeyTaskViewSet, PlanViewSet, TaskGroupViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("task-groups", TaskGroupViewSet, basename="task-group")
router.register("tasks", KeyTaskViewSet, basename="task")
router.register("indicators", IndicatorViewSet, basename="indicator")

urlpatterns = router.urls
