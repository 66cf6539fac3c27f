"""The think tank over the API: calls, research topics (with their workflow steps), reviews (the
organisers' only), the expert, consulting-topic and results banks, suggestions from scientists."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from qhsta.scoping import Action
from qhsta.scoping.api import ScopedReadOnlyViewSet, ScopedViewSetMixin
from sciencepop.api.base import RegisterViewSet

from .. import services
from ..models import (
    ConsultingTopic,
    Expert,
    ResearchResult,
    ResearchTopic,
    Suggestion,
    TopicCall,
    TopicReview,
)
from .serializers import (
    ConsultingTopicSerializer,
    ExpertSerializer,
    ResearchResultSerializer,
    ResearchTopicSerializer,
    SuggestionMoveSerializer,
    SuggestionSerializer,
    TopicCallSerializer,
    TopicReviewSerializer,
    TransitionSerializer,
)


class ExpertViewSet(RegisterViewSet):
    """The expert bank (filter: `availability`, `q` in name or fields)."""

    queryset = Expert.objects.all()
    serializer_class = ExpertSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def narrow(self, queryset):
        params = self.request.query_params
        if params.get("availability"):
            queryset = queryset.filter(availability=params["availability"])
        if params.get("q"):
            queryset = queryset.filter(expertise__icontains=params["q"]) | queryset.filter(
                name__icontains=params["q"]
            )
        return queryset.select_related("organization").order_by("name", "pk")

    def service_save(self, *, actor, organization, obj, fields):
        return services.expert_save(actor=actor, organization=organization, expert=obj, **fields)


class ConsultingTopicViewSet(ScopedReadOnlyViewSet):
    """The consulting-topic bank."""

    queryset = ConsultingTopic.objects.all()
    serializer_class = ConsultingTopicSerializer

    def narrow(self, queryset):
        return queryset.select_related("organization").order_by("-year", "pk")


class TopicCallViewSet(ScopedReadOnlyViewSet):
    """Calls for research topics with the deadline of every step."""

    queryset = TopicCall.objects.all()
    serializer_class = TopicCallSerializer

    def narrow(self, queryset):
        return queryset.select_related("organization").order_by("-year", "pk")


class ResearchTopicViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Applications and the research topics they become; POST `transition` takes one step
    (`submit`, `withdraw`, `approve`, `reject`, `midterm_pass`, `conclude`, `terminate`); a step
    the topic's state does not allow is refused (400), one the client may not take is 403."""

    queryset = ResearchTopic.objects.all()
    serializer_class = ResearchTopicSerializer
    write_action = Action.VIEW  # who may take a step is decided per step by the service

    def narrow(self, queryset):
        return queryset.select_related("organization").prefetch_related("team").order_by("pk")

    @extend_schema(request=TransitionSerializer, responses={200: ResearchTopicSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        topic = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = services.topic_transition(actor=request.user, topic=topic, **data.validated_data)
        return Response(self.get_serializer(topic).data)


class TopicReviewViewSet(ScopedReadOnlyViewSet):
    """Proposal reviews: readable by the call's organisers only."""

    queryset = TopicReview.objects.all()
    serializer_class = TopicReviewSerializer

    def narrow(self, queryset):
        return queryset.order_by("topic_id", "pk")


class ResearchResultViewSet(ScopedReadOnlyViewSet):
    """The results bank."""

    queryset = ResearchResult.objects.all()
    serializer_class = ResearchResultSerializer

    def narrow(self, queryset):
        return queryset.select_related("organization").order_by("-year", "pk")


class SuggestionViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Suggestions from scientists: submit (POST), read the feedback; reviewers POST
    `transition` (`accept`, `answer` with `outcome` and `feedback`, `decline` with `feedback`)."""

    queryset = Suggestion.objects.all()
    serializer_class = SuggestionSerializer
    write_action = Action.VIEW  # submitting checks the organisation; handling checks review

    def narrow(self, queryset):
        return queryset.select_related("organization").order_by("-created_at", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestion = services.suggestion_submit(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(suggestion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SuggestionMoveSerializer, responses={200: SuggestionSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        suggestion = self.get_object()
        data = SuggestionMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = services.suggestion_transition(
            actor=request.user, suggestion=suggestion, **data.validated_data
        )
        return Response(self.get_serializer(suggestion).data)
