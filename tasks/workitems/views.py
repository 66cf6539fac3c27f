"""Pages of annual work items (年度工作计划) and their assignments, and the Excel import.

Work items are read by everyone in the plan's tree and changed only by those who manage the plan's
STA; assignments are read within the assigned organisation's subtree.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, UpdateView, View
from django.views.generic.detail import SingleObjectMixin

from plan.models import KeyTask, Plan
from qhsta.forms import add_service_errors
from qhsta.params import parse_int
from qhsta.scoping import Action, user_can
from qhsta.scoping.views import ScopedViewMixin, refuse

from .. import services
from ..choices import AssignmentRole
from ..models import Assignment, ProgressReport, WorkItem
from . import importers
from .forms import AssignmentForm, ImportForm, WorkItemForm
from .selectors import (
    assignment_history,
    assignments_with_state,
    work_item_history,
    work_item_list,
)


def _int(value) -> int | None:
    """A number from the query string: None when absent; a malformed one answers 400."""
    if value in (None, ""):
        return None
    number = parse_int(value)
    if number is None:
        raise BadRequest("not a whole number")
    return number


def _managed_plans(user):
    return Plan.objects.restrict(user, Action.MANAGE).select_related("organization")


# ---- work items ----------------------------------------------------------------------------


class WorkItemListView(ScopedViewMixin, ListView):
    """A plan's work items, by key task and year; each with the assignments the user may see."""

    model = WorkItem
    paginate_by = 50
    template_name = "tasks/workitems/work_item_list.html"
    context_object_name = "work_items"

    def get(self, request, *args, **kwargs):
        plans = Plan.objects.restrict(request.user)
        code = request.GET.get("plan")
        self.plan = plans.filter(code=code).first() if code else plans.current()
        self.task_number = _int(request.GET.get("task"))
        self.year = _int(request.GET.get("year"))
        self.plans = list(plans.only("code", "title", "short_title"))
        return super().get(request, *args, **kwargs)

    def narrow(self, queryset):
        if self.plan is None:
            return queryset.none()
        return work_item_list(
            queryset,
            user=self.request.user,
            plan=self.plan,
            task_number=self.task_number,
            year=self.year,
        )

    def get_context_data(self, **kwargs):
        plan = self.plan
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **context,
            "plan": plan,
            "plans": self.plans,
            "task_number": self.task_number,
            "year": self.year,
            "tasks": list(KeyTask.objects.restrict(self.request.user).filter(plan=plan))
            if plan
            else [],
            "years": range(plan.start_year, plan.end_year + 1) if plan else [],
            "can_manage": plan is not None and user_can(self.request.user, Action.MANAGE, plan),
            "query": query.urlencode(),
        }


class WorkItemCreateView(ScopedViewMixin, FormView):
    model = WorkItem
    read_action = write_action = Action.MANAGE
    form_class = WorkItemForm
    template_name = "tasks/workitems/work_item_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not KeyTask.objects.restrict(request.user, Action.MANAGE).exists():
            refuse(request, _("Only the plan's administrators set work items."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {"weight": 1}
        tasks = KeyTask.objects.restrict(self.request.user, Action.MANAGE)
        number, code = _int(self.request.GET.get("task")), self.request.GET.get("plan")
        if number is not None:
            tasks = tasks.filter(number=number)
            tasks = tasks.filter(plan__code=code) if code else tasks
            initial["key_task"] = tasks.order_by("-plan__start_year").first()
        year = _int(self.request.GET.get("year"))
        plan = initial.get("key_task") and initial["key_task"].plan
        plan = plan or _managed_plans(self.request.user).current()
        if year is None and plan is not None:
            year = min(max(timezone.localdate().year, plan.start_year), plan.end_year)
        initial["year"] = year
        return initial

    def form_valid(self, form):
        try:
            item = services.work_item_save(
                actor=self.request.user,
                key_task=form.cleaned_data["key_task"],
                **form.work_item_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Work item created; now assign it."))
        return redirect("tasks:work_item_detail", pk=item.pk)


def work_item_context(request, work_item: WorkItem, assignment_form=None) -> dict:
    user = request.user
    can_manage = user_can(user, Action.MANAGE, work_item)
    if can_manage and assignment_form is None:
        initial = {"role": AssignmentRole.SUPPORTING}
        change = _int(request.GET.get("change"))
        if change is not None:
            existing = (
                Assignment.objects.restrict(user)
                .filter(pk=change, work_item=work_item)
                .prefetch_related("indicators")
                .first()
            )
            if existing is not None:
                initial = {
                    "organization": existing.organization_id,
                    "role": existing.role,
                    "indicators": list(existing.indicators.all()),
                }
        elif (
            not Assignment.objects.restrict(user)
            .filter(work_item=work_item, role=AssignmentRole.LEAD)
            .exists()
        ):
            initial["role"] = AssignmentRole.LEAD
        assignment_form = AssignmentForm(user=user, work_item=work_item, initial=initial)
    return {
        "work_item": work_item,
        "plan": work_item.key_task.plan,
        "assignments": assignments_with_state(user=user, work_item=work_item),
        "can_manage": can_manage,
        "assignment_form": assignment_form,
        "history": work_item_history(user=user, work_item=work_item),
        "assignment_history": assignment_history(user=user, work_item=work_item),
    }


class WorkItemDetailView(ScopedViewMixin, DetailView):
    """A work item, the assignments the user may see with their latest report, and history."""

    model = WorkItem
    template_name = "tasks/workitems/work_item_detail.html"
    context_object_name = "work_item"

    def narrow(self, queryset):
        return queryset.select_related("key_task__plan__organization")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            **work_item_context(self.request, self.object),
        }


class WorkItemEditView(ScopedViewMixin, UpdateView):
    """Change a work item: visible ones answer 403 to those who may not change them."""

    model = WorkItem
    write_action = Action.MANAGE
    form_class = WorkItemForm
    template_name = "tasks/workitems/work_item_form.html"
    context_object_name = "work_item"

    def narrow(self, queryset):
        return queryset.select_related("key_task__plan")

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.request.method in ("GET", "HEAD"):
            self.check_write(obj)
        return obj

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            item = services.work_item_save(
                actor=self.request.user,
                key_task=form.cleaned_data["key_task"],
                work_item=self.object,
                **form.work_item_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Work item saved."))
        return redirect("tasks:work_item_detail", pk=item.pk)


# ---- assignments ---------------------------------------------------------------------------


class AssignmentSaveView(ScopedViewMixin, SingleObjectMixin, View):
    """Add an organisation to a work item, or change its role and indicators."""

    model = WorkItem
    write_action = Action.MANAGE
    template_name = "tasks/workitems/work_item_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("key_task__plan__organization")

    def post(self, request, *args, **kwargs):
        work_item = self.object = self.get_object()
        form = AssignmentForm(request.POST, user=request.user, work_item=work_item)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = services.assignment_save(
                    actor=request.user,
                    work_item=work_item,
                    organization=data["organization"],
                    role=data["role"],
                    indicators=list(data["indicators"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(org)s is assigned as %(role)s.")
                    % {
                        "org": assignment.organization.display_name,
                        "role": assignment.get_role_display(),
                    },
                )
                return redirect(
                    reverse("tasks:work_item_detail", kwargs={"pk": work_item.pk}) + "#assignments"
                )
        context = work_item_context(request, work_item, assignment_form=form)
        return render(request, self.template_name, context, status=400)


class AssignmentDetailView(ScopedViewMixin, DetailView):
    """One assignment: its organisation, role, indicators, latest reports and history."""

    model = Assignment
    template_name = "tasks/workitems/assignment_detail.html"
    context_object_name = "assignment"

    def narrow(self, queryset):
        return queryset.select_related("work_item__key_task__plan", "organization")

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignment = self.object
        return {
            **super().get_context_data(**kwargs),
            "work_item": assignment.work_item,
            "indicators": list(assignment.indicators.all()),
            "reports": ProgressReport.objects.restrict(user)
            .filter(assignment=assignment, is_latest=True)
            .select_related("period")
            .order_by("-period__starts_on"),
            "can_manage": user_can(user, Action.MANAGE, assignment.work_item),
            "history": assignment_history(
                user=user, work_item=assignment.work_item, assignment=assignment
            ),
        }


class AssignmentDeleteView(ScopedViewMixin, SingleObjectMixin, View):
    model = Assignment
    write_action = Action.MANAGE

    def narrow(self, queryset):
        return queryset.select_related("work_item__key_task__plan", "organization")

    def post(self, request, *args, **kwargs):
        assignment = self.get_object()
        work_item_pk = assignment.work_item_id
        try:
            services.assignment_remove(actor=request.user, assignment=assignment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(org)s no longer works on this item.")
                % {"org": assignment.organization.display_name},
            )
        return redirect(reverse("tasks:work_item_detail", kwargs={"pk": work_item_pk}))


# ---- import --------------------------------------------------------------------------------


class ImportAccessMixin(ScopedViewMixin):
    """Only those who manage a plan import into it."""

    model = WorkItem
    read_action = write_action = Action.MANAGE

    def dispatch(self, request, *args, **kwargs):
        self.plans = _managed_plans(request.user)
        if request.user.is_authenticated and not self.plans.exists():
            refuse(request, _("Only the plan's administrators import work items."))
        return super().dispatch(request, *args, **kwargs)

    def chosen_plan(self):
        code = self.request.GET.get("plan")
        plans = self.plans
        return (plans.filter(code=code).first() if code else None) or plans.current()


class WorkItemImportView(ImportAccessMixin, FormView):
    form_class = ImportForm
    template_name = "tasks/workitems/import.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plans": self.plans}

    def get_initial(self):
        return {"plan": self.chosen_plan()}

    def get_context_data(self, **kwargs):
        plan = self.chosen_plan()
        return {
            **super().get_context_data(**kwargs),
            "plan": plan,
            "notes": [
                (importers.COLUMNS[key], text) for key, text in importers.column_notes().items()
            ],
            "max_rows": importers.MAX_ROWS,
        }

    def form_valid(self, form):
        plan = form.cleaned_data["plan"]
        try:
            result = importers.import_work_items(
                user=self.request.user, plan=plan, upload=form.cleaned_data["file"]
            )
        except importers.ImportRejected as rejected:
            context = self.get_context_data(
                form=form, errors=rejected.errors, error_total=rejected.total
            )
            return self.render_to_response(context, status=400)
        messages.success(
            self.request,
            _(
                "Imported: %(created)s work items created, %(updated)s changed, %(unchanged)s "
                "unchanged; %(assignments)s assignments added or changed."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "assignments": result.assignments,
            },
        )
        return redirect(reverse("tasks:work_item_list") + f"?plan={plan.code}")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class WorkItemImportTemplateView(ImportAccessMixin, View):
    """The empty import sheet, with notes, the plan's key tasks and the organisation codes."""

    def get(self, request, *args, **kwargs):
        plan = self.chosen_plan()
        content = importers.template_workbook(user=request.user, plan=plan)
        response = HttpResponse(content, content_type=importers.XLSX_TYPE)
        name = f"work-items-{plan.code}.xlsx" if plan else "work-items.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
