"""The periodic evaluation report (规划实施情况检查评估), for a period or for the whole plan: summary,
per-group and per-task status, indicators against their targets, lagging work items with their
organisations, and highlights from approved reports; a printable page and a PDF made on the server
(WeasyPrint, with Debian's Noto CJK font, loading nothing from outside)."""

from collections import Counter

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.generic import TemplateView

from qhsta.scoping.views import ScopedViewMixin
from tasks.models import ProgressRollup, RollupStatus

from .choices import PathStatus
from .selectors import (
    dashboard,
    highlights,
    lagging_items,
    organizations_named,
    plan_by_year,
    plan_for,
)
from .views import SubjectMixin

LAGGING_IN_REPORT = 60


def evaluation(*, user, subject, period, periods, whole: bool) -> dict:
    """What the evaluation report says, from stored rollups and approved reports."""
    data = dashboard(user=user, subject=subject, period=period, periods=periods)
    lagging = lagging_items(user=user, subject=subject, period=period, limit=LAGGING_IN_REPORT)
    codes = sorted({code for x in lagging for code in x.row.missing})
    names = dict(organizations_named(user=user, codes=codes))
    for x in lagging:
        x.missing_orgs = [names[c] for c in x.row.missing if c in names]
    years = plan_by_year(user=user, subject=subject, periods=periods) if whole else []
    sources = [p for _y, p, _r in years] if whole else [period]
    task_status = Counter(r.status if r else "" for _t, r in data["tasks"])
    indicator_status = Counter(c.status for c in data["cards"])
    return {
        **data,
        "whole": whole,
        "years": years,
        "lagging_all": lagging,
        "highlights": highlights(user=user, subject=subject, periods=sources),
        "task_counts": [
            (status, task_status.get(status, 0))
            for status in [*RollupStatus.values, ""]
            if task_status.get(status)
        ],
        "indicator_counts": [
            (status, indicator_status[status])
            for status in PathStatus.values
            if indicator_status.get(status)
        ],
        "generated_at": timezone.localtime(),
    }


class EvaluationMixin(ScopedViewMixin, SubjectMixin):
    model = ProgressRollup

    def evaluation_context(self) -> dict:
        request = self.request
        plan = plan_for(user=request.user, code=request.GET.get("plan") or None)
        whole = request.GET.get("whole") == "1"
        self.resolve(plan)
        if whole and request.GET.get("period"):
            whole = False
        if self.period is None:
            raise Http404("the plan has no reporting periods")
        return {
            **self.subject_context(),
            **evaluation(
                user=request.user,
                subject=self.subject,
                period=self.period,
                periods=self.periods,
                whole=whole,
            ),
        }


class EvaluationView(EvaluationMixin, TemplateView):
    """The evaluation report as a printable page."""

    template_name = "dashboard/evaluation.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.evaluation_context()}


def _no_fetching(url, *args, **kwargs):
    """WeasyPrint may load nothing: the report is one HTML string with its styles inline."""
    raise ValueError(f"the evaluation report loads no resources ({url})")


class EvaluationPdfView(EvaluationMixin, TemplateView):
    """The evaluation report as a PDF made on the server."""

    def get(self, request, *args, **kwargs):
        from weasyprint import HTML

        context = self.evaluation_context()
        html = render_to_string("dashboard/evaluation_pdf.html", context, request=request)
        pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
        subject = context["subject"]
        who = subject.org.code if subject.org else subject.plan.code
        scope = (
            "plan"
            if context["whole"]
            else f"{self.period.year}-{self.period.kind}{self.period.number}"
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="evaluation-{who}-{scope}.pdf"'
        return response
