"""Plausibility rules of a plan's indicators: its administrators read and set them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from plan.models import Indicator, Plan
from qhsta.forms import BootstrapFormMixin, add_service_errors
from qhsta.scoping import Action
from qhsta.scoping.views import ScopedViewMixin

from .. import plausibility, services
from ..models import IndicatorRule


class IndicatorRuleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = IndicatorRule
        fields = services.RULE_FIELDS


class RuleListView(ScopedViewMixin, ListView):
    """A plan's indicators with the rules in force (the administrators' and the unit's)."""

    model = Indicator
    read_action = Action.MANAGE
    template_name = "tasks/rules.html"
    context_object_name = "indicators"

    def get(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan.objects.restrict(request.user), code=kwargs["code"])
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        return queryset.filter(plan=self.plan).select_related("rule").order_by("code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for ind in context["indicators"]:
            ind.rules_in_force = plausibility.describe_rules(ind)
            ind.fed_by = plausibility.feed_source(ind)
        return {**context, "plan": self.plan}


class RuleEditView(ScopedViewMixin, DetailView):
    """Set one indicator's rules."""

    model = Indicator
    read_action = write_action = Action.MANAGE
    template_name = "tasks/rule_edit.html"
    context_object_name = "indicator"

    def narrow(self, queryset):
        return queryset.select_related("plan")

    def form(self, data=None):
        rule = IndicatorRule.objects.filter(indicator=self.object).first()
        return IndicatorRuleForm(data, instance=rule or IndicatorRule(indicator=self.object))

    def answer(self, form, status=200):
        context = {
            "indicator": self.object,
            "form": form,
            "rules_in_force": plausibility.describe_rules(self.object),
            "fed_by": plausibility.feed_source(self.object),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.answer(self.form())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.form(request.POST)
        if not form.is_valid():
            return self.answer(form, status=400)
        try:
            services.indicator_rule_save(
                actor=request.user, indicator=self.object, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.answer(form, status=400)
        messages.success(
            request,
            _("The plausibility rules of %(indicator)s were saved.")
            % {"indicator": self.object.name},
        )
        return redirect("tasks:rule_list", code=self.object.plan.code)
