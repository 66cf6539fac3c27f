"""API routes of the learned societies."""

from rest_framework.routers import SimpleRouter

from .views import (
    ConferenceViewSet,
    CouncilMemberViewSet,
    CouncilTermViewSet,
    EvaluationResultViewSet,
    EvaluationRoundViewSet,
    EvaluationScoreViewSet,
    JournalViewSet,
    SocietyViewSet,
)

router = SimpleRouter()
router.register("societies", SocietyViewSet, basename="society")
router.register("council-terms", CouncilTermViewSet, basename="council-term")
router.register("council-members", CouncilMemberViewSet, basename="council-member")
router.register("evaluation-rounds", EvaluationRoundViewSet, basename="evaluation-round")
router.register("evaluation-scores", EvaluationScoreViewSet, basename="evaluation-score")
router.register("evaluation-results", EvaluationResultViewSet, basename="evaluation-result")
router.register("society-conferences", ConferenceViewSet, basename="society-conference")
router.register("society-journals", JournalViewSet, basename="society-journal")

urlpatterns = router.urls
