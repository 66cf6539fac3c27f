"""Admin of carrying out the plan: periods, work items, assignments, reports, evidence, values, rollups."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Assignment,
    Evidence,
    IndicatorRule,
    IndicatorValue,
    ProgressReport,
    ReminderLog,
    ReportingPeriod,
    WorkItem,
)


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "kind", "starts_on", "ends_on", "deadline", "closed_at"]
    list_filter = ["plan", "kind", "year", ("closed_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["closed_at", "closed_by"]
    actions = ["close_periods", "reopen_periods"]

    def _each(self, request, queryset, service, done_message):
        done = 0
        for period in queryset.select_related("plan"):
            try:
                service(actor=request.user, period=period)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(
                    request, f"{period}: {' '.join(getattr(exc, 'messages', [str(exc)]))}", "error"
                )
            else:
                done += 1
        self.message_user(request, done_message % {"n": done})

    @admin.action(description=_("Close reporting for the selected periods"))
    def close_periods(self, request, queryset):
        self._each(request, queryset, services.period_close, _("%(n)s periods closed."))

    @admin.action(description=_("Reopen reporting for the selected periods"))
    def reopen_periods(self, request, queryset):
        self._each(request, queryset, services.period_reopen, _("%(n)s periods reopened."))


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(WorkItem)
class WorkItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "key_task", "year", "weight", "due_date"]
    list_filter = ["year", "key_task__plan"]
    search_fields = ["title"]
    raw_id_fields = ["key_task"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["work_item", "organization", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["work_item"]
    filter_horizontal = ["indicators"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "organization",
        "period",
        "state",
        "percent_complete",
        "progress_status",
        "is_latest",
    ]
    list_filter = ["state", "progress_status", "is_latest"]
    raw_id_fields = [
        "assignment",
        "period",
        "organization",
        "updated_by",
        "submitted_by",
        "reviewed_by",
    ]
    readonly_fields = ["version"]
    inlines = [EvidenceInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "report", "content_type", "size", "sha256", "uploaded_at"]
    raw_id_fields = ["report", "uploaded_by"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "organization", "period", "value", "state"]
    list_filter = ["indicator", "state"]
    raw_id_fields = ["organization", "period", "report", "updated_by"]


@admin.register(IndicatorRule)
class IndicatorRuleAdmin(admin.ModelAdmin):
    """Plausibility rules per indicator; empty fields take the unit's defaults
    (tasks.plausibility), shown in the list as the rules in force."""

    list_display = ["indicator", "unit", "in_force"]
    list_filter = ["indicator__plan"]
    search_fields = ["indicator__name", "indicator__code"]
    autocomplete_fields = ["indicator"]
    fieldsets = [
        (None, {"fields": ["indicator"]}),
        (
            _("Hard rules: a value outside them is refused"),
            {
                "fields": [
                    "minimum",
                    "maximum",
                    "allow_negative",
                    "numerator_may_exceed_denominator",
                ]
            },
        ),
        (
            _("Soft rules: a value outside them needs an explanation to be submitted"),
            {"fields": ["expected_min", "expected_max", "max_change"]},
        ),
    ]

    @admin.display(description=_("unit"))
    def unit(self, rule):
        return rule.indicator.unit

    @admin.display(description=_("rules in force"))
    def in_force(self, rule):
        from .plausibility import describe_rules

        return describe_rules(rule.indicator)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """What the reminder job sent; written by the job only."""

    list_display = ["date", "user", "email", "overdue", "due_soon", "sent_at"]
    list_filter = ["date"]
    search_fields = ["user__username", "email"]
    readonly_fields = [f.name for f in ReminderLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
