"""Pages of reporting: the officer's work, a report, writing, review and correction, evidence, the review queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from qhsta.params import int_param_or_400, parse_int
from qhsta.scoping import Action, user_can
from qhsta.scoping.views import ScopedViewMixin
from qhsta.templatetags.portal import person

from .. import services
from ..authorship import report_writers
from ..choices import ReportState
from ..models import Assignment, Evidence, IndicatorValue, ProgressReport, ReportingPeriod
from .forms import EvidenceForm, ReportForm, ReviewForm
from .selectors import (
    flagged_values,
    my_work,
    overdue_days,
    previous_report,
    previous_reports,
    report_detail,
    review_queue,
)


class MyWorkView(ScopedViewMixin, TemplateView):
    """An officer's page: what is overdue, due within 7 days, returned or in draft."""

    model = Assignment
    read_action = Action.REPORT
    template_name = "tasks/my_work.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "work": my_work(user=self.request.user, today=today),
        }


class ReportOpenView(ScopedViewMixin, SingleObjectMixin, View):
    """Start (or go back to) the report of an assignment for a period."""

    model = Assignment
    read_action = write_action = Action.REPORT
    pk_url_kwarg = "assignment_pk"

    def post(self, request, *args, **kwargs):
        assignment = self.get_object()
        period = get_object_or_404(
            ReportingPeriod.objects.restrict(request.user), pk=kwargs["period_pk"]
        )
        try:
            report = services.report_open(user=request.user, assignment=assignment, period=period)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("tasks:my_work")
        return redirect("tasks:report_edit", pk=report.pk)


def report_context(request, report, **extra) -> dict:
    user = request.user
    review_refusal = (
        services.review_refusal(user, report)
        if report.state == ReportState.SUBMITTED and user_can(user, Action.REVIEW, report)
        else ""
    )
    return {
        "report": report,
        "previous": previous_report(report=report),
        "can_report": user_can(user, Action.REPORT, report),
        "can_review": user_can(user, Action.REVIEW, report) and not review_refusal,
        "review_refusal": review_refusal,
        # an earlier revision is never overdue: a later one exists
        "overdue_days": (
            overdue_days(period=report.period, report=report, today=timezone.localdate())
            if report.is_latest
            else 0
        ),
        **report_detail(user=user, report=report),
        **extra,
    }


class ReportDetailView(ScopedViewMixin, DetailView):
    model = ProgressReport
    template_name = "tasks/report_detail.html"

    def narrow(self, queryset):
        return queryset.select_related(
            "assignment__work_item__key_task__plan",
            "organization",
            "period",
            "submitted_by",
            "reviewed_by",
            "updated_by",
        )

    def get_context_data(self, **kwargs):
        review_form = ReviewForm(initial={"version": self.object.version})
        return {
            **super().get_context_data(**kwargs),
            **report_context(self.request, self.object, review_form=review_form),
        }


class ReportEditView(ScopedViewMixin, DetailView):
    """Write a report: drafts save as the officer types; a stale save shows both versions."""

    model = ProgressReport
    write_action = Action.REPORT
    template_name = "tasks/report_edit.html"

    def narrow(self, queryset):
        return queryset.select_related("assignment__work_item__key_task", "organization", "period")

    def build_form(self, data=None):
        report = self.object
        values = {
            v.indicator_id: v
            for v in IndicatorValue.objects.filter(
                organization=report.organization, period=report.period
            )
        }
        return ReportForm(
            data,
            instance=report,
            initial={"version": report.version},
            indicators=report.assignment.indicators.all(),
            values=values,
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not (self.object.editable and user_can(request.user, Action.REPORT, self.object)):
            return redirect("tasks:report_detail", pk=self.object.pk)
        if self.object.period.is_closed:
            return redirect("tasks:report_detail", pk=self.object.pk)
        return self.render(self.build_form())

    def render(self, form, status=200, conflict=None):
        context = report_context(
            self.request, self.object, form=form, conflict=conflict, evidence_form=EvidenceForm()
        )
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        autosave = request.headers.get("HX-Request") == "true"
        form = self.build_form(request.POST)
        if not form.is_valid():
            return self.answer(form, autosave, status=400)
        try:
            report = services.report_save(
                user=request.user,
                report=self.object,
                version=form.cleaned_data["version"],
                data=form.report_data(),
                values=form.value_inputs(),
            )
            if "submit" in request.POST and not autosave:
                report = services.report_submit(
                    user=request.user, report=report, version=report.version
                )
                messages.success(request, _("Report submitted for review."))
                return redirect("tasks:report_detail", pk=report.pk)
        except services.ReportConflict as conflict:
            self.object = conflict.current
            return self.answer(form, autosave, status=409, conflict=conflict.current)
        except ValidationError as exc:
            self.object.refresh_from_db()
            form.add_service_errors(exc)
            data = form.data.copy()
            data["version"] = self.object.version  # the draft part was saved; go on from there
            form.data = data
            return self.answer(form, autosave, status=400)
        flagged = flagged_values(reports=[report]).get(report.pk, [])
        if autosave:
            return render(request, "tasks/_autosaved.html", {"report": report, "flagged": flagged})
        messages.success(request, _("Draft saved."))
        for item in flagged:
            messages.warning(
                request,
                _("%(indicator)s: %(warnings)s Explain the value before you submit the report.")
                % {"indicator": item.value.indicator.name, "warnings": " ".join(item.messages)},
            )
        return redirect("tasks:report_edit", pk=report.pk)

    def answer(self, form, autosave: bool, status: int, conflict=None):
        """Full page with the errors beside the fields; for autosave, a status line (always shown)."""
        if autosave:
            context = {"report": self.object, "errors": form.errors, "conflict": conflict}
            return render(self.request, "tasks/_autosaved.html", context)
        return self.render(form, status=status, conflict=conflict)


class ReportActionView(ScopedViewMixin, SingleObjectMixin, View):
    """Base of the one-button workflow steps."""

    model = ProgressReport

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        try:
            return self.act(request, report)
        except services.ReportConflict as conflict:
            messages.error(request, conflict_message(conflict.current))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("tasks:report_detail", pk=report.pk)


def conflict_message(current) -> str:
    return _("%(who)s changed this report at %(when)s; reload it before you go on.") % {
        "who": person(current.updated_by),
        "when": timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S"),
    }


class ReportReviewView(ReportActionView):
    write_action = Action.REVIEW

    def act(self, request, report):
        form = ReviewForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose to approve or to return the report."))
        data = form.cleaned_data
        if data["decision"] == "approve":
            services.report_approve(user=request.user, report=report, version=data["version"])
            messages.success(request, _("Report approved."))
        else:
            services.report_return(
                user=request.user,
                report=report,
                comment=data["review_comment"],
                version=data["version"],
            )
            messages.success(request, _("Report returned to the organisation."))
        return redirect("tasks:review_queue")


class ReportCorrectView(ReportActionView):
    write_action = Action.REPORT

    def act(self, request, report):
        new = services.report_correct(user=request.user, report=report)
        messages.info(
            request,
            _("A correction (revision %(n)s) was started; it goes through review again.")
            % {"n": new.revision},
        )
        return redirect("tasks:report_edit", pk=new.pk)


class EvidenceUploadView(ReportActionView):
    write_action = Action.REPORT

    def act(self, request, report):
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(_("Choose a file to upload."))
        try:
            services.evidence_add(
                user=request.user, report=report, upload=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("File attached."))
        return redirect("tasks:report_edit", pk=report.pk)


class EvidenceDownloadView(ScopedViewMixin, SingleObjectMixin, View):
    """Evidence is served only to users who may see its report, never from a public folder."""

    model = Evidence

    def get(self, request, *args, **kwargs):
        evidence = self.get_object()
        response = FileResponse(
            evidence.file.open("rb"),
            as_attachment=True,
            filename=evidence.download_name,
            content_type=evidence.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class EvidenceDeleteView(ScopedViewMixin, SingleObjectMixin, View):
    model = Evidence
    write_action = Action.REPORT

    def post(self, request, *args, **kwargs):
        evidence = self.get_object()
        report_pk = evidence.report_id
        try:
            services.evidence_remove(user=request.user, evidence=evidence)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("tasks:report_edit", pk=report_pk)


class ReviewQueueView(ScopedViewMixin, ListView):
    """Submitted reports across the reviewer's scope; approve or return each, or many at once."""

    model = ProgressReport
    read_action = Action.REVIEW
    paginate_by = 50
    template_name = "tasks/review_queue.html"
    context_object_name = "reports"

    def narrow(self, queryset):
        return review_queue(
            user=self.request.user, period_id=int_param_or_400(self.request.GET, "period")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        previous = previous_reports(reports=context["reports"])
        flagged = flagged_values(reports=context["reports"])
        writers = report_writers(reports=context["reports"])
        for report in context["reports"]:
            report.previous = previous.get(report.pk)
            report.flagged = flagged.get(report.pk, [])
            # approval independence: no approve offered where the service would refuse it
            report.review_refusal = services.review_refusal(
                self.request.user, report, writers=writers[report.pk], in_scope=True
            )
        return context


class BulkApproveView(ScopedViewMixin, View):
    model = ProgressReport
    read_action = write_action = Action.REVIEW

    def post(self, request, *args, **kwargs):
        ids = [n for i in request.POST.getlist("report") if (n := parse_int(i)) is not None]
        reports = review_queue(user=request.user).filter(pk__in=ids)
        if not ids:
            messages.error(request, _("Select the reports to approve."))
            return redirect("tasks:review_queue")
        approved, refused = services.reports_bulk_approve(user=request.user, reports=list(reports))
        messages.success(request, _("%(n)s reports approved.") % {"n": len(approved)})
        for pk, reason in refused.items():
            messages.error(
                request,
                _("Report %(pk)s was not approved: %(reason)s") % {"pk": pk, "reason": reason},
            )
        return redirect("tasks:review_queue")
