"""Pages of the learned societies: registry and council share, councils and re-elections, the
council-list import, conferences and journals, and the annual evaluation."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from orgs.models import Organization
from qhsta.forms import add_service_errors
from qhsta.scoping import Action
from qhsta.scoping.views import ScopedViewMixin, refuse

from . import importers, rules, selectors, services
from .choices import Discipline, SocietyStatus
from .forms import (
    ConferenceForm,
    CouncilImportForm,
    CriterionForm,
    EvaluationRoundForm,
    JournalForm,
    MemberForm,
    SocietyForm,
    SocietyRegisterForm,
    StatusForm,
    TermForm,
)
from .models import (
    BrandConference,
    CouncilMember,
    CouncilTerm,
    EvaluationCriterion,
    EvaluationResult,
    EvaluationRound,
    Journal,
    Society,
)


class ServiceMixin:
    """Turns a service's refusal into the logged 403 every page gives."""

    def call(self, service, **kwargs):
        try:
            return service(actor=self.request.user, **kwargs)
        except PermissionDenied as exc:
            refuse(self.request, str(exc) or _("You may see this, but you may not change it."))


class InvalidFormMixin:
    """A form sent back with its errors answers 400."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ChangeObjectMixin(InvalidFormMixin):
    """A form that changes one object: the object is read before any handler runs, and a GET of
    the form is refused at once when the user may see the object but not change it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
            if request.method in ("GET", "HEAD"):
                self.check_write(self.object)
        return super().dispatch(request, *args, **kwargs)


def _registerable(user):
    """Society organisations without a registry entry that the user registers (the province)."""
    candidates = Organization.objects.restrict(user, Action.VIEW).filter(
        kind="society", is_active=True, society__isnull=True
    )
    return candidates.filter(pk__in=[o.pk for o in candidates if rules.is_province_for(user, o)])


# ---- registry ------------------------------------------------------------------------------


class SocietyListView(ScopedViewMixin, ListView):
    """The registry with each society's council share, term and last evaluation; the share
    across all of them, those below the target and the overdue re-elections."""

    model = Society
    template_name = "societies/society_list.html"
    context_object_name = "societies"

    def narrow(self, queryset):
        self.status = self.request.GET.get("status", "")
        self.discipline = self.request.GET.get("discipline", "")
        self.flag = self.request.GET.get("flag", "")
        if self.status not in SocietyStatus.values:
            self.status = ""
        if self.discipline not in Discipline.values:
            self.discipline = ""
        return selectors.society_list(queryset, status=self.status, discipline=self.discipline)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        overview = selectors.society_overview(self.object_list)
        all_rows = overview.rows
        rows = {"below": overview.below, "overdue": overview.overdue}.get(self.flag, all_rows)
        return {
            **context,
            "overview": overview,
            "rows": rows,
            "status": self.status,
            "discipline": self.discipline,
            "flag": self.flag if self.flag in ("below", "overdue") else "",
            "statuses": SocietyStatus.choices,
            "disciplines": Discipline.choices,
            "can_register": _registerable(self.request.user).exists(),
        }


class SocietyMixin(ScopedViewMixin):
    model = Society
    slug_field = "organization__code"
    slug_url_kwarg = "code"

    def narrow(self, queryset):
        return queryset.select_related("organization")


class SocietyDetailView(SocietyMixin, DetailView):
    template_name = "societies/society_detail.html"
    context_object_name = "society"

    def get_context_data(self, **kwargs):
        user = self.request.user
        society = self.object
        overview = selectors.society_overview(Society.objects.filter(pk=society.pk))
        row = overview.rows[0]
        terms = list(CouncilTerm.objects.restrict(user).filter(society=society))
        return {
            **super().get_context_data(**kwargs),
            "row": row,
            "target": overview.target,
            "terms": terms,
            "members": selectors.term_members(row.term, user=user) if row.term else [],
            "results": EvaluationResult.objects.restrict(user)
            .filter(society=society)
            .select_related("round")
            .order_by("-round__year"),
            "conferences": BrandConference.objects.restrict(user).filter(society=society),
            "journals": Journal.objects.restrict(user).filter(society=society),
            "can_edit": rules.may_keep_records(user, society),
            "can_supervise": rules.may_supervise(user, society),
            "status_form": StatusForm(
                initial={"status": society.status, "status_note": society.status_note}
            ),
            "history": society.history.select_related("history_user")[:20],
        }


class SocietyEditView(ChangeObjectMixin, ServiceMixin, SocietyMixin, SingleObjectMixin, FormView):
    write_action = Action.REPORT
    form_class = SocietyForm
    template_name = "societies/society_form.html"
    context_object_name = "society"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in services.REGISTRY_FIELDS}
        society = Society.objects.get(pk=self.object.pk)
        try:
            self.call(services.society_update, society=society, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The registry entry is saved."))
        return redirect("societies:society_detail", code=self.object.organization.code)


class SocietyRegisterView(InvalidFormMixin, ServiceMixin, ScopedViewMixin, FormView):
    """Open the registry entry of a society organisation (the province)."""

    model = Society
    write_action = Action.REVIEW
    form_class = SocietyRegisterForm
    template_name = "societies/society_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organizations = _registerable(request.user)
            if not self.organizations.exists():
                refuse(request, _("Only the provincial STA registers societies."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organizations": self.organizations}

    def form_valid(self, form):
        fields = {name: form.cleaned_data[name] for name in services.REGISTRY_FIELDS}
        try:
            society = self.call(
                services.society_register,
                organization=form.cleaned_data["organization"],
                **fields,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The society is registered."))
        return redirect("societies:society_detail", code=society.organization.code)


class SocietyStatusView(ServiceMixin, SocietyMixin, SingleObjectMixin, View):
    write_action = Action.REVIEW

    def post(self, request, *args, **kwargs):
        society = self.get_object()
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a status."))
        else:
            try:
                self.call(
                    services.society_set_status,
                    society=society,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["status_note"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The status is saved."))
        return redirect("societies:society_detail", code=society.organization.code)


# ---- terms and members ---------------------------------------------------------------------


class TermCreateView(ChangeObjectMixin, ServiceMixin, SocietyMixin, SingleObjectMixin, FormView):
    """Record a re-election (换届): the new term and, optionally, the previous council."""

    write_action = Action.REPORT
    form_class = TermForm
    template_name = "societies/term_form.html"
    context_object_name = "society"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            term = self.call(
                services.term_save,
                society=self.object,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                copy_members=data["copy_members"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The re-election is recorded."))
        return redirect("societies:term_detail", pk=term.pk)


def term_context(request, term: CouncilTerm, member_form=None) -> dict:
    user = request.user
    members = list(selectors.term_members(term, user=user))
    day = timezone.localdate()
    count = selectors.council_counts([term.society_id], day).get(term.society_id)
    in_office = selectors.terms_in_office([term.society_id], day).get(term.society_id)
    can_edit = rules.may_keep_records(user, term.society)
    targets = selectors.council_targets(term.society)
    return {
        "term": term,
        "society": term.society,
        "members": members,
        "serving": [m for m in members if m.serves_on(day)],
        "count": count if in_office and in_office.pk == term.pk else None,
        "target": targets.council,
        "bodies": count.bodies(targets) if count else [],
        "can_edit": can_edit,
        "member_form": member_form or (MemberForm() if can_edit else None),
    }


class TermMixin(ScopedViewMixin):
    model = CouncilTerm

    def narrow(self, queryset):
        return queryset.select_related("society__organization")


class TermDetailView(TermMixin, DetailView):
    template_name = "societies/term_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **term_context(self.request, self.object)}


class MemberAddView(ServiceMixin, TermMixin, SingleObjectMixin, View):
    write_action = Action.REPORT

    def post(self, request, *args, **kwargs):
        term = self.object = self.get_object()
        form = MemberForm(request.POST)
        if form.is_valid():
            try:
                self.call(services.council_member_save, term=term, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is on the council.") % form.cleaned_data)
                return redirect(
                    reverse("societies:term_detail", kwargs={"pk": term.pk}) + "#members"
                )
        return render(
            request,
            "societies/term_detail.html",
            {"object": term, **term_context(request, term, member_form=form)},
            status=400,
        )


class MemberMixin(ScopedViewMixin):
    model = CouncilMember

    def narrow(self, queryset):
        return queryset.select_related("term__society__organization")


class MemberEditView(ChangeObjectMixin, ServiceMixin, MemberMixin, SingleObjectMixin, FormView):
    write_action = Action.REPORT
    form_class = MemberForm
    template_name = "societies/member_form.html"
    context_object_name = "member"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": CouncilMember.objects.get(pk=self.object.pk),
        }

    def form_valid(self, form):
        member = self.object
        try:
            self.call(
                services.council_member_save, term=member.term, member=member, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The member is saved."))
        return redirect(
            reverse("societies:term_detail", kwargs={"pk": member.term_id}) + "#members"
        )


class MemberDeleteView(ServiceMixin, MemberMixin, SingleObjectMixin, View):
    write_action = Action.REPORT

    def post(self, request, *args, **kwargs):
        member = self.get_object()
        term_pk = member.term_id
        self.call(services.council_member_remove, member=member)
        messages.success(request, _("%(name)s is deleted from the list.") % {"name": member.name})
        return redirect(reverse("societies:term_detail", kwargs={"pk": term_pk}) + "#members")


class CouncilImportView(InvalidFormMixin, TermMixin, SingleObjectMixin, FormView):
    """Import a council list into a term; row-numbered errors, nothing saved from a bad file."""

    write_action = Action.REPORT
    read_action = Action.REPORT
    form_class = CouncilImportForm
    template_name = "societies/council_import.html"
    context_object_name = "term"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "society": self.object.society,
            "notes": [
                (importers.COLUMNS[key], text) for key, text in importers.column_notes().items()
            ],
            "max_rows": importers.MAX_ROWS,
        }

    def form_valid(self, form):
        term = self.object
        try:
            result = importers.import_council(
                user=self.request.user, term=term, upload=form.cleaned_data["file"]
            )
        except importers.ImportRejected as rejected:
            context = self.get_context_data(
                form=form, errors=rejected.errors, error_total=rejected.total
            )
            return self.render_to_response(context, status=400)
        except PermissionDenied as exc:
            refuse(self.request, str(exc))
        messages.success(
            self.request,
            _("Imported: %(added)s members added, %(changed)s changed, %(unchanged)s unchanged.")
            % {"added": result.added, "changed": result.changed, "unchanged": result.unchanged},
        )
        return redirect(reverse("societies:term_detail", kwargs={"pk": term.pk}) + "#members")


class CouncilTemplateView(ScopedViewMixin, View):
    """The empty council list (.xlsx), for whoever keeps a society's records."""

    model = Society
    read_action = Action.REPORT

    def get(self, request, *args, **kwargs):
        if not Society.objects.restrict(request.user, Action.REPORT).exists():
            refuse(
                request, _("Only the society's officers and the provincial STA change its records.")
            )
        response = HttpResponse(importers.template_workbook(), content_type=importers.XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="council-list.xlsx"'
        return response


# ---- conferences and journals --------------------------------------------------------------


class SocietyRecordCreateView(
    ChangeObjectMixin, ServiceMixin, SocietyMixin, SingleObjectMixin, FormView
):
    write_action = Action.REPORT
    template_name = "societies/record_form.html"
    context_object_name = "society"
    service = None
    title = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.title}

    def form_valid(self, form):
        try:
            self.call(type(self).service, society=self.object, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("societies:society_detail", code=self.object.organization.code)


class ConferenceCreateView(SocietyRecordCreateView):
    form_class = ConferenceForm
    service = services.conference_save

    @property
    def title(self):
        return _("Add a conference")


class JournalCreateView(SocietyRecordCreateView):
    form_class = JournalForm
    service = services.journal_save

    @property
    def title(self):
        return _("Add a journal")


class RecordEditView(ChangeObjectMixin, ServiceMixin, ScopedViewMixin, SingleObjectMixin, FormView):
    """Change a conference or a journal of a society."""

    write_action = Action.REPORT
    template_name = "societies/record_form.html"
    keyword = ""
    service = None
    title = ""

    def narrow(self, queryset):
        return queryset.select_related("society__organization")

    def get_form_kwargs(self):
        fresh = type(self.object).objects.get(pk=self.object.pk)
        return {**super().get_form_kwargs(), "instance": fresh}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "society": self.object.society,
            "title": self.title,
        }

    def form_valid(self, form):
        record = self.object
        try:
            self.call(
                type(self).service,
                society=record.society,
                **{self.keyword: record},
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("societies:society_detail", code=record.society.organization.code)


class ConferenceEditView(RecordEditView):
    model = BrandConference
    form_class = ConferenceForm
    keyword = "conference"
    service = services.conference_save

    @property
    def title(self):
        return _("Edit the conference")


class JournalEditView(RecordEditView):
    model = Journal
    form_class = JournalForm
    keyword = "journal"
    service = services.journal_save

    @property
    def title(self):
        return _("Edit the journal")


class TermEditView(ChangeObjectMixin, ServiceMixin, TermMixin, SingleObjectMixin, FormView):
    """Correct a term's election date or scheduled end."""

    write_action = Action.REPORT
    form_class = TermForm
    template_name = "societies/term_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        del form.fields["copy_members"]
        return form

    def get_form_kwargs(self):
        fresh = CouncilTerm.objects.get(pk=self.object.pk)
        return {**super().get_form_kwargs(), "instance": fresh}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "society": self.object.society,
            "term": self.object,
        }

    def form_valid(self, form):
        term = self.object
        try:
            self.call(
                services.term_save,
                society=term.society,
                term=term,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The term is saved."))
        return redirect("societies:term_detail", pk=term.pk)


class RecordDeleteView(ServiceMixin, ScopedViewMixin, SingleObjectMixin, View):
    write_action = Action.REPORT

    def narrow(self, queryset):
        return queryset.select_related("society__organization")


class ConferenceDeleteView(RecordDeleteView):
    model = BrandConference

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        self.call(services.conference_remove, conference=record)
        messages.success(request, _("Deleted."))
        return redirect("societies:society_detail", code=record.society.organization.code)


class JournalDeleteView(RecordDeleteView):
    model = Journal

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        self.call(services.journal_remove, journal=record)
        messages.success(request, _("Deleted."))
        return redirect("societies:society_detail", code=record.society.organization.code)


# ---- evaluation ----------------------------------------------------------------------------


def _province_organizations(user) -> list[Organization]:
    """The provincial STAs whose societies the user evaluates."""
    return [
        o
        for o in Organization.objects.restrict(user, Action.REVIEW).filter(depth=1, is_active=True)
        if rules.is_province_for(user, o)
    ]


class EvaluationListView(ServiceMixin, ScopedViewMixin, ListView):
    """The years' evaluations; the province opens a new year here."""

    model = EvaluationRound
    write_action = Action.REVIEW
    template_name = "societies/evaluation_list.html"
    context_object_name = "rounds"

    def narrow(self, queryset):
        return queryset.select_related("organization")

    def get_context_data(self, **kwargs):
        provinces = _province_organizations(self.request.user)
        form = kwargs.pop("form", None)
        if form is None and provinces:
            form = EvaluationRoundForm(initial={"year": timezone.localdate().year})
        return {**super().get_context_data(**kwargs), "form": form, "provinces": provinces}

    def post(self, request, *args, **kwargs):
        provinces = _province_organizations(request.user)
        if not provinces:
            refuse(request, _("Only the provincial STA runs the societies' evaluation."))
        form = EvaluationRoundForm(request.POST)
        if form.is_valid():
            try:
                evaluation = self.call(
                    services.evaluation_round_create, organization=provinces[0], **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The evaluation is open; add its criteria and scores."))
                return redirect("societies:evaluation_detail", pk=evaluation.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvaluationMixin(ScopedViewMixin):
    model = EvaluationRound

    def narrow(self, queryset):
        return queryset.select_related("organization", "closed_by")


class EvaluationDetailView(ServiceMixin, EvaluationMixin, DetailView):
    """A year's scores by society and criterion (the province enters them here), its ranking and
    outcomes once closed."""

    template_name = "societies/evaluation_detail.html"
    context_object_name = "round"
    write_action = Action.REVIEW

    def get_context_data(self, **kwargs):
        user = self.request.user
        evaluation = self.object
        societies = list(
            Society.objects.restrict(user)
            .filter(pk__in=services.evaluated_societies(evaluation).values("pk"))
            .select_related("organization")
        )
        criteria, rows = selectors.evaluation_grid(evaluation, societies, user=user)
        can_run = rules.may_run_evaluation(user, evaluation)
        errors, posted = kwargs.get("score_errors", {}), kwargs.get("posted", {})
        for row in rows:
            row["inputs"] = []
            for criterion, cell in row["cells"]:
                name = f"score-{row['society'].pk}-{criterion.pk}"
                value = posted.get(name, cell.score if cell else "")
                row["inputs"].append(
                    {
                        "criterion": criterion,
                        "cell": cell,
                        "name": name,
                        "value": value,
                        "error": errors.get(name),
                    }
                )
        return {
            **super().get_context_data(**kwargs),
            "criteria": criteria,
            "rows": rows,
            "results": EvaluationResult.objects.restrict(user)
            .filter(round=evaluation)
            .select_related("society__organization"),
            "can_run": can_run,
            "criterion_form": kwargs.get("criterion_form")
            or (CriterionForm() if can_run and not evaluation.is_closed else None),
        }

    def post(self, request, *args, **kwargs):
        """Save the score grid: fields score-<society>-<criterion> and comment-…; all or nothing."""
        evaluation = self.object = self.get_object()
        if not rules.may_run_evaluation(request.user, evaluation):
            refuse(
                request,
                _("Only the provincial STA runs the societies' evaluation."),
                obj=evaluation,
            )
        criteria = {c.pk: c for c in evaluation.criteria.all()}
        societies = {
            s.pk: s
            for s in Society.objects.restrict(request.user).filter(
                pk__in=services.evaluated_societies(evaluation).values("pk")
            )
        }
        wanted, errors = [], {}
        for key, raw in request.POST.items():
            if not key.startswith("score-") or not raw.strip():
                continue
            try:
                _prefix, society_pk, criterion_pk = key.split("-")
                society, criterion = societies[int(society_pk)], criteria[int(criterion_pk)]
            except (ValueError, KeyError):
                continue
            try:
                score = Decimal(raw.strip())
            except InvalidOperation:
                errors[key] = _("“%(value)s” is not a number.") % {"value": raw}
                continue
            wanted.append((key, society, criterion, score))
        if not errors:
            try:
                with transaction.atomic():
                    for key, society, criterion, score in wanted:
                        try:
                            self.call(
                                services.evaluation_score_set,
                                criterion=criterion,
                                society=society,
                                score=score,
                            )
                        except ValidationError as exc:
                            errors[key] = " ".join(exc.messages)
                    if errors:
                        raise ValidationError("")
            except ValidationError:
                pass
        if errors:
            messages.error(request, _("Some scores are wrong; nothing was saved."))
            context = self.get_context_data(
                object=evaluation, score_errors=errors, posted=request.POST
            )
            return self.render_to_response(context, status=400)
        messages.success(request, _("%(n)s scores saved.") % {"n": len(wanted)})
        return redirect("societies:evaluation_detail", pk=evaluation.pk)


class CriterionAddView(ServiceMixin, EvaluationMixin, SingleObjectMixin, View):
    write_action = Action.REVIEW

    def post(self, request, *args, **kwargs):
        evaluation = self.get_object()
        form = CriterionForm(request.POST)
        if form.is_valid():
            try:
                self.call(
                    services.evaluation_criterion_save,
                    evaluation_round=evaluation,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The criterion is added."))
                return redirect("societies:evaluation_detail", pk=evaluation.pk)
        view = EvaluationDetailView(request=request, kwargs=self.kwargs, object=evaluation)
        context = view.get_context_data(object=evaluation, criterion_form=form)
        return render(request, "societies/evaluation_detail.html", context, status=400)


class CriterionDeleteView(ServiceMixin, ScopedViewMixin, SingleObjectMixin, View):
    model = EvaluationCriterion
    write_action = Action.REVIEW

    def narrow(self, queryset):
        return queryset.select_related("round__organization")

    def post(self, request, *args, **kwargs):
        criterion = self.get_object()
        try:
            self.call(services.evaluation_criterion_remove, criterion=criterion)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The criterion is deleted."))
        return redirect("societies:evaluation_detail", pk=criterion.round_id)


class EvaluationCloseView(ServiceMixin, EvaluationMixin, SingleObjectMixin, View):
    write_action = Action.REVIEW

    def post(self, request, *args, **kwargs):
        evaluation = self.get_object()
        reopen = request.POST.get("reopen") == "1"
        service = services.evaluation_round_reopen if reopen else services.evaluation_round_close
        try:
            self.call(service, evaluation_round=evaluation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The evaluation is reopened.")
                if reopen
                else _("The evaluation is closed: ranking and outcomes are recorded."),
            )
        return redirect("societies:evaluation_detail", pk=evaluation.pk)
