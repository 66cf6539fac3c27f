"""Admin of the think tank: experts, consulting topics, calls, research topics and reviews, results, suggestions."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ConsultingTopic,
    Expert,
    ResearchResult,
    ResearchTopic,
    Suggestion,
    TopicCall,
    TopicReview,
)


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["name", "employer", "title", "expertise", "organization", "availability"]
    list_filter = ["availability"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]
    search_fields = ["name", "employer", "expertise"]


@admin.register(ConsultingTopic)
class ConsultingTopicAdmin(SimpleHistoryAdmin):
    list_display = ["title", "field", "year", "organization", "state"]
    list_filter = ["state", "year"]
    autocomplete_fields = ["organization"]
    search_fields = ["title", "field"]


class TopicInline(admin.TabularInline):
    model = ResearchTopic
    fields = ["title", "organization", "state"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(TopicCall)
class TopicCallAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "organization", "state", "application_deadline"]
    list_filter = ["state", "year"]
    autocomplete_fields = ["organization"]
    search_fields = ["title"]
    inlines = [TopicInline]


class ReviewInline(admin.TabularInline):
    model = TopicReview
    extra = 0
    raw_id_fields = ["expert"]


@admin.register(ResearchTopic)
class ResearchTopicAdmin(SimpleHistoryAdmin):
    list_display = ["title", "call", "organization", "principal", "state"]
    list_filter = ["state", "call"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["principal", "team"]
    search_fields = ["title"]
    inlines = [ReviewInline]


@admin.register(TopicReview)
class TopicReviewAdmin(SimpleHistoryAdmin):
    list_display = ["topic", "expert", "state", "score", "recommendation", "deadline"]
    list_filter = ["state", "recommendation"]
    raw_id_fields = ["topic", "expert"]


@admin.register(ResearchResult)
class ResearchResultAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "year", "organization"]
    list_filter = ["kind", "year"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["topic"]
    search_fields = ["title", "summary"]


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "author", "organization", "state", "outcome", "created_at"]
    list_filter = ["state", "outcome"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["submitter", "handler"]
    search_fields = ["title", "author", "content"]
