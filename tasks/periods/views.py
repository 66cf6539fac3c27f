"""Reporting periods of a plan: everyone in the plan's tree reads them, its administrators set them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View
from django.views.generic.detail import SingleObjectMixin

from plan.models import Plan
from qhsta.forms import BootstrapFormMixin
from qhsta.scoping import Action, user_can
from qhsta.scoping.views import ScopedViewMixin

from .. import services
from ..choices import PeriodKind
from ..models import ReportingPeriod


class PeriodGenerateForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Reporting frequency"), choices=PeriodKind.choices)
    deadline_days = forms.IntegerField(
        label=gettext_lazy("Deadline: days after the period ends"),
        min_value=0,
        max_value=120,
        initial=15,
    )


class PeriodListView(ScopedViewMixin, ListView):
    model = ReportingPeriod
    template_name = "tasks/periods.html"
    context_object_name = "periods"

    def get(self, request, *args, **kwargs):
        self.plan = get_object_or_404(Plan.objects.restrict(request.user), code=kwargs["code"])
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        return queryset.filter(plan=self.plan).order_by("kind", "starts_on")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "plan": self.plan,
            "can_manage": user_can(self.request.user, Action.MANAGE, self.plan),
            "form": PeriodGenerateForm(),
        }


class PeriodGenerateView(ScopedViewMixin, SingleObjectMixin, View):
    model = Plan
    slug_field = slug_url_kwarg = "code"
    write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        plan = self.get_object()
        form = PeriodGenerateForm(request.POST)
        if form.is_valid():
            created = services.periods_generate(plan=plan, actor=request.user, **form.cleaned_data)
            messages.success(request, _("%(n)s reporting periods created.") % {"n": created})
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("tasks:period_list", code=plan.code)


class PeriodDeadlineView(ScopedViewMixin, SingleObjectMixin, View):
    model = ReportingPeriod
    write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        period = self.get_object()
        field = forms.DateField()
        try:
            deadline = field.clean(request.POST.get("deadline"))
            services.period_set_deadline(actor=request.user, period=period, deadline=deadline)
        except ValidationError as exc:
            messages.error(
                request,
                _("%(period)s: %(error)s")
                % {"period": period.label, "error": " ".join(exc.messages)},
            )
        else:
            messages.success(
                request,
                _("The deadline of %(period)s is now %(date)s.")
                % {"period": period.label, "date": deadline.isoformat()},
            )
        return redirect("tasks:period_list", code=period.plan.code)


class PeriodCloseView(ScopedViewMixin, SingleObjectMixin, View):
    """Close a period's reporting, or reopen it (`reopen=1`): the plan's administrators."""

    model = ReportingPeriod
    write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        period = self.get_object()
        if request.POST.get("reopen") == "1":
            services.period_reopen(actor=request.user, period=period)
            messages.success(
                request, _("Reporting for %(period)s is open again.") % {"period": period.label}
            )
        else:
            services.period_close(actor=request.user, period=period)
            messages.success(
                request,
                _(
                    "Reporting for %(period)s is closed: no new or changed reports, no reminders, "
                    "nothing shown as overdue."
                )
                % {"period": period.label},
            )
        return redirect("tasks:period_list", code=period.plan.code)
