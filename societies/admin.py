"""Admin of the learned societies: registry, council terms and members, evaluations, conferences, journals."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BrandConference,
    CouncilMember,
    CouncilTerm,
    EvaluationCriterion,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    Journal,
    Society,
)


class CouncilTermInline(admin.TabularInline):
    model = CouncilTerm
    extra = 0


class ConferenceInline(admin.TabularInline):
    model = BrandConference
    extra = 0


class JournalInline(admin.TabularInline):
    model = Journal
    extra = 0


@admin.register(Society)
class SocietyAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "discipline",
        "status",
        "individual_members",
        "group_members",
        "secretariat_staff",
    ]
    list_filter = ["status", "discipline"]
    search_fields = ["organization__name", "organization__code", "supervising_unit"]
    autocomplete_fields = ["organization"]
    inlines = [CouncilTermInline, ConferenceInline, JournalInline]


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0


@admin.register(CouncilTerm)
class CouncilTermAdmin(SimpleHistoryAdmin):
    list_display = ["society", "number", "starts_on", "ends_on"]
    list_filter = ["society"]
    inlines = [CouncilMemberInline]


@admin.register(CouncilMember)
class CouncilMemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "term", "position", "category", "joined_on", "left_on"]
    list_filter = ["category", "position", "term__society"]
    search_fields = ["name", "employer"]
    raw_id_fields = ["term"]


class CriterionInline(admin.TabularInline):
    model = EvaluationCriterion
    extra = 0


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    list_display = ["year", "organization", "bottom_count", "warn_after", "exit_after", "closed_at"]
    inlines = [CriterionInline]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(SimpleHistoryAdmin):
    list_display = ["society", "criterion", "score", "entered_by", "updated_at"]
    list_filter = ["criterion__round__year", "society"]


@admin.register(EvaluationResult)
class EvaluationResultAdmin(admin.ModelAdmin):
    list_display = [
        "round",
        "rank",
        "society",
        "total",
        "at_bottom",
        "consecutive_bottom",
        "outcome",
    ]
    list_filter = ["round__year", "outcome"]


@admin.register(BrandConference)
class BrandConferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "society", "is_brand", "held_on", "participants"]
    list_filter = ["is_brand", "society"]
    search_fields = ["name"]


@admin.register(Journal)
class JournalAdmin(admin.ModelAdmin):
    list_display = ["title", "society", "issn", "cn_number", "frequency", "is_core"]
    list_filter = ["is_core", "frequency"]
    search_fields = ["title", "issn"]
