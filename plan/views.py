"""Pages of the plan document and a key task, and the public page of published indicators."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from qhsta.scoping.views import ScopedViewMixin

from .models import Indicator, KeyTask, Plan
from .selectors import key_task_context, plan_document


class PlanDetailView(ScopedViewMixin, DetailView):
    """The plan as the document has it; without a code, the current plan."""

    model = Plan
    slug_field = slug_url_kwarg = "code"
    template_name = "plan/plan_detail.html"

    def get_object(self, queryset=None):
        if "code" in self.kwargs:
            return super().get_object(queryset)
        plan = self.get_queryset().current()
        if plan is None:
            raise Http404("no plan")
        return plan

    def get_context_data(self, **kwargs):
        other_plans = (
            self.get_queryset().exclude(pk=self.object.pk).only("code", "title", "short_title")
        )
        return {
            **super().get_context_data(**kwargs),
            **plan_document(plan=self.object),
            "other_plans": list(other_plans),
        }


class KeyTaskDetailView(ScopedViewMixin, DetailView):
    """One key task, in the current plan or the plan named by its code."""

    model = KeyTask
    slug_field = slug_url_kwarg = "number"
    template_name = "plan/key_task_detail.html"
    context_object_name = "task"

    def narrow(self, queryset):
        queryset = queryset.select_related("group", "plan")
        if "code" in self.kwargs:
            return queryset.filter(plan__code=self.kwargs["code"])
        current = Plan.objects.restrict(self.request.user).current()
        return queryset.filter(plan=current)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **key_task_context(task=self.object)}


@method_decorator(login_not_required, name="dispatch")
class PublicIndicatorListView(ScopedViewMixin, ListView):
    """Headline indicators an administrator has published, for anyone (no login)."""

    model = Indicator
    template_name = "plan/public_indicators.html"
    context_object_name = "indicators"

    def narrow(self, queryset):
        return queryset.filter(is_published=True).select_related("plan", "key_task")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object_list:
            raise Http404("nothing is published")
        return response
