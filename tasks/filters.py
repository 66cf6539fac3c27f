"""Filters of the plan's execution (django-filter), for the API and for pages alike.

Common names: `plan` (code or id), `group` / `task` (ids; `task_number` the task's number in its
plan), `organization` (code; `descendants=true` for its subtree; `organization_kind`), `period`
(id; `year`, `period_kind`) and `indicator` (code or id)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from plan.filters import IntFilter, KeyFilter, OrganizationFilterSet

from .choices import AssignmentRole, PeriodKind, ReportState
from .models import (
    Assignment,
    IndicatorRollup,
    IndicatorValue,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
    RollupLevel,
    RollupStatus,
    WorkItem,
)


class PeriodFilters(django_filters.FilterSet):
    """`period` (id), `year` and `period_kind` of rows that belong to a reporting period."""

    period = IntFilter(field_name="period_id", label=_("period"))
    year = IntFilter(field_name="period__year", label=_("year"))
    period_kind = django_filters.ChoiceFilter(
        field_name="period__kind", choices=PeriodKind.choices, label=_("kind of period")
    )


class PeriodFilter(django_filters.FilterSet):
    plan = KeyFilter(field_name="plan", code_field="code", label=_("plan"))
    kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("kind of period"))

    class Meta:
        model = ReportingPeriod
        fields = ["plan", "kind", "year"]


class WorkItemFilter(django_filters.FilterSet):
    plan = KeyFilter(field_name="key_task__plan", code_field="code", label=_("plan"))
    group = IntFilter(field_name="key_task__group_id", label=_("task group"))
    task = IntFilter(field_name="key_task_id", label=_("key task"))
    task_number = IntFilter(field_name="key_task__number", label=_("task number"))

    class Meta:
        model = WorkItem
        fields = ["plan", "group", "task", "task_number", "year"]


class AssignmentFilter(OrganizationFilterSet):
    plan = KeyFilter(field_name="work_item__key_task__plan", code_field="code", label=_("plan"))
    group = IntFilter(field_name="work_item__key_task__group_id", label=_("task group"))
    task = IntFilter(field_name="work_item__key_task_id", label=_("key task"))
    task_number = IntFilter(field_name="work_item__key_task__number", label=_("task number"))
    work_item = IntFilter(field_name="work_item_id", label=_("work item"))
    year = IntFilter(field_name="work_item__year", label=_("year"))
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices, label=_("role"))
    indicator = KeyFilter(
        field_name="indicators", code_field="code", label=_("indicator"), distinct=True
    )

    class Meta:
        model = Assignment
        fields = ["plan", "group", "task", "task_number", "work_item", "year", "role"]


class ReportFilter(PeriodFilters, OrganizationFilterSet):
    plan = KeyFilter(field_name="period__plan", code_field="code", label=_("plan"))
    group = IntFilter(field_name="assignment__work_item__key_task__group_id", label=_("task group"))
    task = IntFilter(field_name="assignment__work_item__key_task_id", label=_("key task"))
    task_number = IntFilter(
        field_name="assignment__work_item__key_task__number", label=_("task number")
    )
    work_item = IntFilter(field_name="assignment__work_item_id", label=_("work item"))
    assignment = IntFilter(field_name="assignment_id", label=_("assignment"))
    state = django_filters.ChoiceFilter(choices=ReportState.choices, label=_("review state"))
    latest = django_filters.BooleanFilter(field_name="is_latest", label=_("latest revision"))

    class Meta:
        model = ProgressReport
        fields = ["plan", "group", "task", "work_item", "assignment", "state", "latest"]


class IndicatorValueFilter(PeriodFilters, OrganizationFilterSet):
    plan = KeyFilter(field_name="indicator__plan", code_field="code", label=_("plan"))
    indicator = KeyFilter(field_name="indicator", code_field="code", label=_("indicator"))
    task = IntFilter(field_name="indicator__key_task_id", label=_("key task"))
    group = IntFilter(field_name="indicator__key_task__group_id", label=_("task group"))
    status = django_filters.ChoiceFilter(
        field_name="state", choices=ReportState.choices, label=_("review state")
    )

    class Meta:
        model = IndicatorValue
        fields = ["plan", "indicator", "task", "group", "status"]


class _RollupFilter(PeriodFilters, OrganizationFilterSet):
    all_organizations = django_filters.BooleanFilter(
        method="filter_all",
        label=_("all organisations"),
        help_text=_("true: only the figures for all organisations; false: only per organisation."),
    )
    plan = KeyFilter(field_name="period__plan", code_field="code", label=_("plan"))
    stale = django_filters.BooleanFilter(label=_("stale"))

    def filter_all(self, queryset, name, value):
        return queryset.filter(org_key=0) if value else queryset.exclude(org_key=0)


class ProgressRollupFilter(_RollupFilter):
    level = django_filters.ChoiceFilter(choices=RollupLevel.choices, label=_("level"))
    subject = IntFilter(field_name="subject_id", label=_("subject"))
    status = django_filters.ChoiceFilter(choices=RollupStatus.choices, label=_("status"))
    task = IntFilter(method="filter_task", label=_("key task"))
    group = IntFilter(method="filter_group", label=_("task group"))
    work_item = IntFilter(method="filter_work_item", label=_("work item"))

    class Meta:
        model = ProgressRollup
        fields = ["level", "subject", "status", "stale"]

    def filter_task(self, queryset, name, value):
        return queryset.filter(level=RollupLevel.KEY_TASK, subject_id=value)

    def filter_group(self, queryset, name, value):
        return queryset.filter(level=RollupLevel.GROUP, subject_id=value)

    def filter_work_item(self, queryset, name, value):
        return queryset.filter(level=RollupLevel.WORK_ITEM, subject_id=value)


class IndicatorRollupFilter(_RollupFilter):
    indicator = KeyFilter(field_name="indicator", code_field="code", label=_("indicator"))
    task = IntFilter(field_name="indicator__key_task_id", label=_("key task"))

    class Meta:
        model = IndicatorRollup
        fields = ["indicator", "task", "stale"]
