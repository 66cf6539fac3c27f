"""Admin of the plan document: plans with their principles, goals and guarantees, task groups, key tasks, indicators."""

from django.contrib import admin

from .models import Guarantee, Indicator, KeyTask, Plan, Principle, SpecificGoal, TaskGroup


class PrincipleInline(admin.StackedInline):
    model = Principle
    extra = 0


class SpecificGoalInline(admin.StackedInline):
    model = SpecificGoal
    extra = 0


class GuaranteeInline(admin.StackedInline):
    model = Guarantee
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "document_number", "start_year", "end_year", "issued_on"]
    search_fields = ["title", "code", "document_number"]
    inlines = [PrincipleInline, SpecificGoalInline, GuaranteeInline]


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "number"]
    list_filter = ["plan"]


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "group", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "group"]
    search_fields = ["title", "text"]
    list_select_related = ["group", "plan"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "unit",
        "baseline",
        "target",
        "target_year",
        "aggregation",
        "plan",
    ]
    list_filter = ["plan", "aggregation", "is_headline"]
    search_fields = ["name", "code"]
    raw_id_fields = ["key_task", "specific_goal", "part_of"]


@admin.register(Principle, SpecificGoal, Guarantee)
class PlanSectionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
