"""API representation of the think tank's experts, topics, calls, reviews, results and suggestions, and their moves."""

from rest_framework import serializers

from sciencepop.api.base import OrganizationCodeField

from ..models import (
    ConsultingTopic,
    Expert,
    ResearchResult,
    ResearchTopic,
    Suggestion,
    TopicCall,
    TopicReview,
)


class ExpertSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = Expert
        fields = [
            "id",
            "organization",
            "name",
            "employer",
            "title",
            "expertise",
            "availability",
            "email",
            "phone",
            "notes",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]
        validators = []


class ConsultingTopicSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField(read_only=True)

    class Meta:
        model = ConsultingTopic
        fields = ["id", "organization", "title", "field", "year", "state", "call", "description"]


class TopicCallSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField(read_only=True)

    class Meta:
        model = TopicCall
        fields = [
            "id",
            "organization",
            "year",
            "title",
            "guide",
            "state",
            "application_deadline",
            "review_deadline",
            "midterm_deadline",
            "final_deadline",
        ]


class ResearchTopicSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField(read_only=True)

    class Meta:
        model = ResearchTopic
        fields = [
            "id",
            "call",
            "organization",
            "title",
            "principal",
            "team",
            "summary",
            "budget",
            "state",
            "submitted_at",
            "decided_at",
            "decision_comment",
            "midterm_at",
            "midterm_comment",
            "concluded_at",
            "final_comment",
        ]


class TransitionSerializer(serializers.Serializer):
    move = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TopicReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicReview
        fields = [
            "id",
            "topic",
            "expert",
            "state",
            "deadline",
            "score",
            "recommendation",
            "comment",
            "submitted_at",
        ]


class ResearchResultSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField(read_only=True)

    class Meta:
        model = ResearchResult
        fields = ["id", "organization", "topic", "title", "kind", "year", "summary", "adoption"]


class SuggestionSerializer(serializers.ModelSerializer):
    organization = OrganizationCodeField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "organization",
            "author",
            "title",
            "field",
            "content",
            "state",
            "outcome",
            "feedback",
            "created_at",
            "accepted_at",
            "answered_at",
        ]
        read_only_fields = [
            "state",
            "outcome",
            "feedback",
            "created_at",
            "accepted_at",
            "answered_at",
        ]


class SuggestionMoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(choices=["accept", "answer", "decline"])
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
