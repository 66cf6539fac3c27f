"""API routes of the think tank."""

from rest_framework.routers import SimpleRouter

from .views import (
    ConsultingTopicViewSet,
    ExpertViewSet,
    ResearchResultViewSet,
    ResearchTopicViewSet,
    SuggestionViewSet,
    TopicCallViewSet,
    TopicReviewViewSet,
)

router = SimpleRouter()
router.register("experts", ExpertViewSet, basename="expert")
router.register("consulting-topics", ConsultingTopicViewSet, basename="consulting-topic")
router.register("topic-calls", TopicCallViewSet, basename="topic-call")
router.register("research-topics", ResearchTopicViewSet, basename="research-topic")
router.register("topic-reviews", TopicReviewViewSet, basename="topic-review")
router.register("research-results", ResearchResultViewSet, basename="research-result")
router.register("suggestions", SuggestionViewSet, basename="suggestion")

urlpatterns = router.urls
