"""Leadership dashboards and their drill-down: plan → group → task → work item → organisation →
report and evidence; organisation → its assignments. Pages read stored rollups only (selectors)."""

import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from plan.models import Indicator, KeyTask, TaskGroup
from qhsta.params import int_param
from qhsta.scoping.views import ScopedViewMixin
from tasks.models import Assignment, ProgressRollup, WorkItem

from . import charts
from .selectors import (
    LAGGING_SHOWN,
    assignment_states,
    carried_over,
    compliance,
    dashboard,
    group_detail,
    indicator_detail,
    lagging_items,
    organization_assignments,
    organizations_named,
    period_choose,
    period_list,
    plan_for,
    subject_for,
    task_detail,
    work_item_detail,
)

CARRIED_PAGE = 100


class SubjectMixin:
    """Whose figures (?org=), for which period (?period=): resolved once per request."""

    def resolve(self, plan, *, code=None, year=None):
        request = self.request
        self.subject = subject_for(
            user=request.user, plan=plan, code=code or request.GET.get("org") or None
        )
        self.periods = period_list(user=request.user, subject=self.subject)
        self.period = period_choose(self.periods, request.GET.get("period"), year=year)

    def query(self, **extra) -> str:
        values = {}
        if self.period is not None:
            values["period"] = self.period.pk
        if self.subject.org is not None:
            values["org"] = self.subject.org.code
        values.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(values)

    def url(self, name, *args, **extra) -> str:
        return f"{reverse(name, args=args)}?{self.query(**extra)}"

    def subject_context(self) -> dict:
        return {
            "plan": self.subject.plan,
            "subject": self.subject,
            "periods": self.periods,
            "period_labels": {p.pk: p.label for p in self.periods},
            "period": self.period,
            "q": self.query(),
        }


def chart_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class DashboardView(ScopedViewMixin, SubjectMixin, TemplateView):
    """Where the plan stands for the period: overall, groups, tasks, indicators, the compared
    organisations, what is behind, and who has not reported."""

    model = ProgressRollup
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        plan = plan_for(user=self.request.user, code=self.request.GET.get("plan") or None)
        self.resolve(plan, code=self.kwargs.get("code"))
        context = {**super().get_context_data(**kwargs), **self.subject_context()}
        if self.period is None:
            return context
        data = dashboard(
            user=self.request.user, subject=self.subject, period=self.period, periods=self.periods
        )
        q = self.query()
        context.update(data)
        context["charts"] = {
            "overall": charts.progress_chart(plan_row=data["plan_row"], elapsed=data["elapsed"]),
            "groups": charts.rows_chart(
                items=data["groups"],
                label=lambda g: g.title,
                url=lambda g: f"{reverse('dashboard:group', args=[g.pk])}?{q}",
                horizontal=True,
            ),
            "units": charts.units_chart(
                units=data["units"],
                indicators=data["unit_indicators"],
                url=lambda o: self.org_url(o),
            ),
            "paths": [charts.path_chart(card) for card in data["cards"]],
        }
        context["cards"] = list(zip(data["cards"], context["charts"]["paths"], strict=True))
        return context

    def org_url(self, org) -> str:
        return f"{reverse('dashboard:organization', args=[org.code])}?period={self.period.pk}"


class PlanPartView(ScopedViewMixin, SubjectMixin, DetailView):
    """A drill-down page about one part of a plan, for the subject and period."""

    year_bound = False

    def narrow(self, queryset):
        return queryset.select_related("plan__organization", "plan__path_settings")

    def get_context_data(self, **kwargs):
        obj = self.object
        self.resolve(obj.plan, year=getattr(obj, "year", None) if self.year_bound else None)
        context = {**super().get_context_data(**kwargs), **self.subject_context()}
        if self.period is not None:
            context.update(self.figures(obj))
        return context


class GroupView(PlanPartView):
    model = TaskGroup
    template_name = "dashboard/group.html"
    context_object_name = "group"

    def figures(self, group):
        data = group_detail(
            user=self.request.user, subject=self.subject, period=self.period, group=group
        )
        q = self.query()
        data["unit_rows"] = [(u.org, u.row) for u in data["units"]]
        data["charts"] = {
            "tasks": charts.rows_chart(
                items=data["tasks"],
                label=lambda t: str(t.number),
                url=lambda t: f"{reverse('dashboard:task', args=[t.pk])}?{q}",
            ),
            "units": charts.rows_chart(
                items=[(u.org, u.row) for u in data["units"]],
                label=lambda o: o.display_name,
                url=lambda o: self.url("dashboard:group", group.pk, org=o.code),
            ),
        }
        return data


class TaskView(PlanPartView):
    model = KeyTask
    template_name = "dashboard/task.html"
    context_object_name = "task"

    def narrow(self, queryset):
        return super().narrow(queryset).select_related("group")

    def figures(self, task):
        data = task_detail(
            user=self.request.user,
            subject=self.subject,
            period=self.period,
            task=task,
            periods=self.periods,
        )
        q = self.query()
        data["unit_rows"] = [(u.org, u.row) for u in data["units"]]
        data["charts"] = {
            "work_items": charts.rows_chart(
                items=data["work_items"],
                label=lambda w: w.title,
                url=lambda w: f"{reverse('dashboard:work_item', args=[w.pk])}?{q}",
                horizontal=True,
            ),
            "units": charts.rows_chart(
                items=[(u.org, u.row) for u in data["units"]],
                label=lambda o: o.display_name,
                url=lambda o: self.url("dashboard:task", task.pk, org=o.code),
            ),
        }
        data["cards"] = [(c, charts.path_chart(c)) for c in data["cards"]]
        return data


class WorkItemView(PlanPartView):
    model = WorkItem
    template_name = "dashboard/work_item.html"
    context_object_name = "work_item"
    year_bound = True

    def narrow(self, queryset):
        return queryset.select_related(
            "key_task__group", "key_task__plan__organization", "key_task__plan__path_settings"
        )

    def get_context_data(self, **kwargs):
        self.object.plan = self.object.key_task.plan
        return super().get_context_data(**kwargs)

    def figures(self, work_item):
        data = work_item_detail(
            user=self.request.user, subject=self.subject, period=self.period, work_item=work_item
        )
        data["charts"] = {
            "assignments": charts.rows_chart(
                items=[(s.assignment, s.row) for s in data["states"]],
                label=lambda a: a.organization.display_name,
                url=lambda a: self.url("dashboard:organization_assignments", a.organization.code),
                horizontal=True,
            )
        }
        return data


class IndicatorView(PlanPartView):
    model = Indicator
    template_name = "dashboard/indicator.html"
    context_object_name = "indicator"

    def figures(self, indicator):
        data = indicator_detail(
            user=self.request.user,
            subject=self.subject,
            period=self.period,
            indicator=indicator,
            periods=self.periods,
        )
        data["charts"] = {
            "path": charts.path_chart(data["card"]),
            "units": charts.indicator_units_chart(
                units=data["units"],
                indicator=indicator,
                url=lambda o: self.url("dashboard:indicator", indicator.pk, org=o.code),
            ),
        }
        return data


class OrganizationAssignmentsView(ScopedViewMixin, SubjectMixin, ListView):
    """An organisation's (and its subtree's) assignments for the period's year, with their state."""

    model = Assignment
    paginate_by = 50
    template_name = "dashboard/organization_assignments.html"
    context_object_name = "assignments"

    def get(self, request, *args, **kwargs):
        plan = plan_for(user=request.user, code=request.GET.get("plan") or None)
        self.resolve(plan, code=kwargs["code"])
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        if self.period is None:
            return queryset.none()
        rows = organization_assignments(
            user=self.request.user, subject=self.subject, period=self.period, org=self.subject.org
        )
        return (
            queryset.filter(pk__in=rows.values("pk"))
            .select_related("organization", "work_item__key_task")
            .order_by("work_item__key_task__number", "work_item_id", "organization__path")
        )

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), **self.subject_context()}
        if self.period is not None:
            context["states"] = assignment_states(
                user=self.request.user, assignments=context["assignments"], period=self.period
            )
        return context


class LaggingView(ScopedViewMixin, SubjectMixin, TemplateView):
    """Every work item behind schedule for the subject and period, furthest behind first."""

    model = ProgressRollup
    template_name = "dashboard/lagging.html"
    per_page = 50

    def get_context_data(self, **kwargs):
        plan = plan_for(user=self.request.user, code=self.request.GET.get("plan") or None)
        self.resolve(plan)
        context = {**super().get_context_data(**kwargs), **self.subject_context()}
        page = int_param(self.request.GET, "page", minimum=1, maximum=10_000) or 1
        if self.period is not None:
            items = lagging_items(
                user=self.request.user,
                subject=self.subject,
                period=self.period,
                limit=self.per_page + 1,
                offset=(page - 1) * self.per_page,
            )
            context.update(
                items=items[: self.per_page],
                page=page,
                has_next=len(items) > self.per_page,
                shown=LAGGING_SHOWN,
            )
        return context


class ComplianceView(ScopedViewMixin, SubjectMixin, TemplateView):
    """Who has not reported for the period: every missing organisation, and each compared
    organisation's reported and expected assignments."""

    model = ProgressRollup
    template_name = "dashboard/compliance.html"

    def get_context_data(self, **kwargs):
        plan = plan_for(user=self.request.user, code=self.request.GET.get("plan") or None)
        self.resolve(plan)
        context = {**super().get_context_data(**kwargs), **self.subject_context()}
        if self.period is None:
            return context
        data = compliance(user=self.request.user, subject=self.subject, period=self.period)
        page = Paginator(data["codes"], 100).get_page(self.request.GET.get("page"))
        carried_page = int_param(self.request.GET, "carried", minimum=1, maximum=10_000) or 1
        carried = carried_over(
            user=self.request.user,
            subject=self.subject,
            period=self.period,
            limit=CARRIED_PAGE + 1,
            offset=(carried_page - 1) * CARRIED_PAGE,
        )
        context.update(
            data,
            page_obj=page,
            missing=organizations_named(user=self.request.user, codes=list(page.object_list)),
            carried=carried[:CARRIED_PAGE],
            carried_page=carried_page,
            carried_next=len(carried) > CARRIED_PAGE,
        )
        return context
