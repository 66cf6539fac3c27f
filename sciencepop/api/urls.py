"""API routes of the science-popularisation registers."""

from rest_framework.routers import SimpleRouter

from .views import LiteracySurveyViewSet, ScienceBaseViewSet, ScienceEventViewSet, VenueViewSet

router = SimpleRouter()
router.register("literacy-surveys", LiteracySurveyViewSet, basename="literacy-survey")
router.register("science-venues", VenueViewSet, basename="science-venue")
router.register("science-bases", ScienceBaseViewSet, basename="science-base")
router.register("science-events", ScienceEventViewSet, basename="science-event")

urlpatterns = router.urls
