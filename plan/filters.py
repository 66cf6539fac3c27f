"""Filters of the plan's structure (django-filter), for the API and for pages alike."""

import django_filters
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from orgs.choices import OrganizationKind
from orgs.models import Organization
from qhsta.params import WholeNumberField, parse_int

from .choices import Aggregation
from .models import Indicator, KeyTask, Plan, TaskGroup


class IntFilter(django_filters.NumberFilter):
    """An id, year or number: ASCII digits within a column's range, else a 400 naming the
    parameter (qhsta.params)."""

    field_class = WholeNumberField


class KeyFilter(django_filters.CharFilter):
    """A row named by its code or by its id: `?plan=qhsta-14th` or `?plan=1`."""

    def __init__(self, *args, code_field: str, **kwargs):
        self.code_field = code_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        value = value.strip()
        if (number := parse_int(value)) is not None:
            qs = qs.filter(**{f"{self.field_name}__pk": number})
        elif value.isdigit():  # digits no id can have (Unicode digits, too many): nothing
            return qs.none()
        else:
            qs = qs.filter(**{f"{self.field_name}__{self.code_field}": value})
        return qs.distinct() if self.distinct else qs


def organization_filter(queryset, lookup: str, code: str, *, descendants: bool):
    """Rows of the organisation `code`, or of its whole subtree: one condition, no extra query."""
    if not descendants:
        return queryset.filter(**{f"{lookup}__code": code})
    path = Organization.objects.filter(code=code).values("path")[:1]
    return queryset.filter(**{f"{lookup}__path__startswith": Subquery(path)})


class OrganizationFilterSet(django_filters.FilterSet):
    """`organization` (a code), `descendants` (its subtree too) and `organization_kind`."""

    org_lookup = "organization"

    organization = django_filters.CharFilter(
        method="filter_organization",
        label=_("organisation"),
        help_text=_("An organisation's code; with descendants=true also everything under it."),
    )
    descendants = django_filters.BooleanFilter(
        method="filter_noop",
        label=_("with descendants"),
        help_text=_("With `organization`: include the organisations under it."),
    )
    organization_kind = django_filters.ChoiceFilter(
        choices=OrganizationKind.choices,
        method="filter_kind",
        label=_("kind of organisation"),
    )

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_organization(self, queryset, name, value):
        descendants = bool(self.form.cleaned_data.get("descendants"))
        return organization_filter(queryset, self.org_lookup, value, descendants=descendants)

    def filter_kind(self, queryset, name, value):
        return queryset.filter(**{f"{self.org_lookup}__kind": value})


class PlanFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(label=_("code"))
    year = IntFilter(
        method="filter_year", label=_("year"), help_text=_("Plans running in this year.")
    )

    class Meta:
        model = Plan
        fields = ["code", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class TaskGroupFilter(django_filters.FilterSet):
    plan = KeyFilter(field_name="plan", code_field="code", label=_("plan"))

    class Meta:
        model = TaskGroup
        fields = ["plan", "number"]


class KeyTaskFilter(django_filters.FilterSet):
    plan = KeyFilter(field_name="plan", code_field="code", label=_("plan"))
    group = IntFilter(field_name="group_id", label=_("task group"))
    group_number = IntFilter(field_name="group__number", label=_("group number"))

    class Meta:
        model = KeyTask
        fields = ["plan", "group", "group_number", "number"]


class IndicatorFilter(django_filters.FilterSet):
    plan = KeyFilter(field_name="plan", code_field="code", label=_("plan"))
    code = django_filters.CharFilter(label=_("code"))
    task = IntFilter(field_name="key_task_id", label=_("key task"))
    task_number = IntFilter(field_name="key_task__number", label=_("task number"))
    group = IntFilter(field_name="key_task__group_id", label=_("task group"))
    aggregation = django_filters.ChoiceFilter(choices=Aggregation.choices, label=_("aggregation"))
    headline = django_filters.BooleanFilter(field_name="is_headline", label=_("headline indicator"))

    class Meta:
        model = Indicator
        fields = ["plan", "code", "task", "task_number", "group", "aggregation", "headline"]
