"""Pages of the think tank: calls and research topics through every step, reviews, the expert,
consulting-topic and results banks, and suggestions from scientists."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, View
from django.views.generic.detail import SingleObjectMixin

from qhsta.forms import add_service_errors
from qhsta.history import history_entries
from qhsta.register_views import (
    RegisterFormView,
    RegisterImportView,
    RegisterListView,
    TemplateDownloadView,
    reportable_orgs,
)
from qhsta.scoping import Action, user_can
from qhsta.scoping.views import ScopedViewMixin, refuse

from . import importers, services
from .choices import CallState, TopicState
from .forms import (
    CallForm,
    ConsultingTopicForm,
    ExpertForm,
    ResultForm,
    ReviewAssignForm,
    ReviewScoreForm,
    SuggestionForm,
    SuggestionHandleForm,
    TopicForm,
    TopicReportForm,
    TransitionForm,
)
from .models import (
    ConsultingTopic,
    Expert,
    ResearchResult,
    ResearchTopic,
    Suggestion,
    TopicCall,
    TopicReview,
)
from .selectors import topic_steps


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---- calls ---------------------------------------------------------------------------------


class CallListView(RegisterListView):
    model = TopicCall
    template_name = "thinktank/call_list.html"

    def narrow(self, queryset):
        return (
            queryset.select_related("organization")
            .annotate(topic_count=Count("topics", filter=~Q(topics__state=TopicState.DRAFT)))
            .order_by("-year", "-application_deadline", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = reportable_orgs(self.request.user, action=Action.MANAGE).exists()
        return context


class CallFormView(RegisterFormView):
    model = TopicCall
    form_class = CallForm
    write_action = Action.MANAGE
    title = gettext_lazy("Call for topics")
    cancel_url = reverse_lazy("thinktank:call_list")

    def save(self, form, obj):
        return services.call_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            call=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("thinktank:call_detail", args=[obj.pk])


class CallDetailView(ScopedViewMixin, DetailView):
    model = TopicCall
    template_name = "thinktank/call_detail.html"
    context_object_name = "call"

    def get_context_data(self, **kwargs):
        user, call = self.request.user, self.object
        topics = (
            ResearchTopic.objects.restrict(user)
            .filter(call=call)
            .select_related("organization", "principal")
            .annotate(reviews_total=Count("reviews"))
        )
        can_manage = user_can(user, Action.MANAGE, call)
        moves = [m for m, (src, _t) in services.CALL_MOVES.items() if call.state in src]
        return {
            **super().get_context_data(**kwargs),
            "topics": topics,
            "can_manage": can_manage,
            "call_moves": moves if can_manage else [],
            "can_apply": call.state == CallState.OPEN and reportable_orgs(user).exists(),
            "adopted": ConsultingTopic.objects.restrict(user).filter(call=call),
        }


class CallTransitionView(ScopedViewMixin, SingleObjectMixin, View):
    model = TopicCall
    write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        call = self.get_object()
        try:
            services.call_transition(actor=request.user, call=call, move=request.POST.get("move"))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("The call's state was changed."))
        return redirect("thinktank:call_detail", pk=call.pk)


# ---- research topics -----------------------------------------------------------------------


class TopicFormView(RegisterFormView):
    """A draft application to a call: created under the call, changed while a draft."""

    model = ResearchTopic
    form_class = TopicForm
    template_name = "thinktank/topic_form.html"
    title = gettext_lazy("Application")

    def dispatch(self, request, *args, **kwargs):
        self.call = None
        if "call_pk" in kwargs and request.user.is_authenticated:
            self.call = get_object_or_404(
                TopicCall.objects.restrict(request.user), pk=kwargs["call_pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def _load(self):
        super()._load()
        if self.object is not None:
            self.call = self.object.call

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "call": self.call}

    def save(self, form, obj):
        values = form.values()
        team = values.pop("team")
        return services.topic_save(
            actor=self.request.user,
            call=self.call,
            organization=form.cleaned_data["organization"],
            topic=obj,
            team=team,
            **values,
        )

    def get_success_url(self, obj):
        return reverse("thinktank:topic_detail", args=[obj.pk])


class TopicDetailView(ScopedViewMixin, DetailView):
    model = ResearchTopic
    template_name = "thinktank/topic_detail.html"
    context_object_name = "topic"

    def narrow(self, queryset):
        return queryset.select_related("call", "organization", "principal")

    def get_context_data(self, **kwargs):
        user, topic = self.request.user, self.object
        organiser = user_can(user, Action.REVIEW, topic.call)
        applicant = user_can(user, Action.REPORT, topic.organization)
        # the organisers and those who read everything above them (leadership); never applicants
        reviews = TopicReview.objects.restrict(user).filter(topic=topic).select_related("expert")
        records = topic.history.all().select_related("history_user")
        return {
            **super().get_context_data(**kwargs),
            "steps": topic_steps(topic),
            "moves": services.topic_moves(user, topic),
            "organiser": organiser,
            "applicant": applicant,
            "reviews": reviews,
            "assign_form": ReviewAssignForm(user=user, topic=topic)
            if organiser and topic.state in (TopicState.SUBMITTED, TopicState.UNDER_REVIEW)
            else None,
            "midterm_form": TopicReportForm(initial={"text": topic.midterm_report})
            if applicant and topic.state == TopicState.APPROVED
            else None,
            "final_form": TopicReportForm(initial={"text": topic.final_report})
            if applicant and topic.state == TopicState.MIDTERM_PASSED
            else None,
            "history": history_entries(user=user, model=ResearchTopic, records=records),
            "team": topic.team.all(),
        }


class TopicTransitionView(ScopedViewMixin, SingleObjectMixin, View):
    """One step of the workflow; who may take it is the service's check (403 with a reason)."""

    model = ResearchTopic
    write_action = Action.VIEW  # the applicant or the call's organiser: checked per step

    def post(self, request, *args, **kwargs):
        topic = self.get_object()
        form = TransitionForm(request.POST)
        form.is_valid()
        move = form.cleaned_data.get("move", "")
        try:
            services.topic_transition(
                actor=request.user,
                topic=topic,
                move=move,
                comment=form.cleaned_data.get("comment", ""),
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except services.PermissionDenied as exc:
            refuse(request, str(exc), obj=topic)
        else:
            messages.success(
                request,
                _("Done: the topic is now “%(state)s”.")
                % {"state": ResearchTopic.objects.get(pk=topic.pk).get_state_display()},
            )
        return redirect("thinktank:topic_detail", pk=topic.pk)


class TopicReportView(ScopedViewMixin, SingleObjectMixin, View):
    """The applicant's mid-term or final report."""

    model = ResearchTopic
    write_action = Action.REPORT

    def post(self, request, *args, **kwargs):
        topic = self.get_object()
        form = TopicReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Write the report before saving it."))
            return redirect("thinktank:topic_detail", pk=topic.pk)
        which = "final_report" if kwargs["which"] == "final" else "midterm_report"
        try:
            services.topic_report_save(
                actor=request.user, topic=topic, **{which: form.cleaned_data["text"]}
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Report saved."))
        return redirect("thinktank:topic_detail", pk=topic.pk)


class ReviewAssignView(ScopedViewMixin, SingleObjectMixin, View):
    model = ResearchTopic
    write_action = Action.VIEW  # the call's organiser: the service checks review rights

    def post(self, request, *args, **kwargs):
        topic = self.get_object()
        if not user_can(request.user, Action.REVIEW, topic.call):
            refuse(request, _("Only the call's organisers review and decide topics."), obj=topic)
        form = ReviewAssignForm(request.POST, user=request.user, topic=topic)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect("thinktank:topic_detail", pk=topic.pk)
        try:
            services.review_assign(
                actor=request.user, topic=topic, expert=form.cleaned_data["expert"]
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Expert assigned."))
        return redirect("thinktank:topic_detail", pk=topic.pk)


class ReviewScoreView(RegisterFormView):
    """The organiser enters an expert's score and comments."""

    model = TopicReview
    form_class = ReviewScoreForm
    write_action = Action.REVIEW
    template_name = "thinktank/review_form.html"
    title = gettext_lazy("Proposal review")

    def get_form_kwargs(self):
        kwargs = super(RegisterFormView, self).get_form_kwargs()
        review = self.object
        if review.state == "submitted":
            kwargs["initial"] = {
                "score": review.score,
                "recommendation": review.recommendation,
                "comment": review.comment,
            }
        return kwargs

    def save(self, form, obj):
        return services.review_score(actor=self.request.user, review=obj, **form.cleaned_data)

    def get_success_url(self, obj):
        return reverse("thinktank:topic_detail", args=[obj.topic_id])


# ---- banks ---------------------------------------------------------------------------------


class ExpertListView(RegisterListView):
    model = Expert
    template_name = "thinktank/expert_list.html"
    search_fields = ("name", "expertise", "employer")
    filter_fields = ("availability",)


class ExpertFormView(RegisterFormView):
    model = Expert
    form_class = ExpertForm
    title = gettext_lazy("Expert")
    cancel_url = reverse_lazy("thinktank:expert_list")

    def save(self, form, obj):
        return services.expert_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            expert=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("thinktank:expert_list")


class ExpertImportView(RegisterImportView):
    model = Expert
    spec = importers.EXPERT_SHEET
    title = gettext_lazy("Import experts from Excel")
    back_url = reverse_lazy("thinktank:expert_list")
    template_url = reverse_lazy("thinktank:expert_template")

    def run(self, upload):
        return importers.import_experts(user=self.request.user, upload=upload)


class ExpertTemplateView(TemplateDownloadView):
    model = Expert
    filename = "experts.xlsx"

    def content(self, user):
        return importers.expert_template(user=user)


class ConsultingTopicListView(RegisterListView):
    model = ConsultingTopic
    template_name = "thinktank/consulting_list.html"
    related = ("organization", "call")
    search_fields = ("title", "field")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "open_calls": TopicCall.objects.restrict(user, Action.MANAGE).filter(
                state__in=[CallState.DRAFT, CallState.OPEN]
            ),
        }


class ConsultingTopicFormView(RegisterFormView):
    model = ConsultingTopic
    form_class = ConsultingTopicForm
    title = gettext_lazy("Consulting topic")
    cancel_url = reverse_lazy("thinktank:consulting_list")

    def save(self, form, obj):
        return services.consulting_topic_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            topic=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("thinktank:consulting_list")


class ConsultingTopicAdoptView(ScopedViewMixin, SingleObjectMixin, View):
    model = ConsultingTopic
    write_action = Action.VIEW  # adopting needs the call's administration: the service checks

    def post(self, request, *args, **kwargs):
        topic = self.get_object()
        call = (
            TopicCall.objects.restrict(request.user, Action.MANAGE)
            .filter(pk=request.POST.get("call") or 0)
            .first()
        )
        if call is None:
            refuse(request, _("Only the call's administrators adopt topics."), obj=topic)
        try:
            services.consulting_topic_adopt(actor=request.user, topic=topic, call=call)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Topic adopted into the call."))
        return redirect("thinktank:consulting_list")


class ResultListView(RegisterListView):
    model = ResearchResult
    template_name = "thinktank/result_list.html"
    related = ("organization", "topic")
    search_fields = ("title", "summary")


class ResultFormView(RegisterFormView):
    model = ResearchResult
    form_class = ResultForm
    title = gettext_lazy("Research result")
    cancel_url = reverse_lazy("thinktank:result_list")

    def save(self, form, obj):
        return services.result_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            result=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("thinktank:result_list")


# ---- suggestions ---------------------------------------------------------------------------


class SuggestionListView(RegisterListView):
    model = Suggestion
    template_name = "thinktank/suggestion_list.html"
    filter_fields = ("state",)


class SuggestionCreateView(RegisterFormView):
    model = Suggestion
    form_class = SuggestionForm
    title = gettext_lazy("Suggestion from scientists")
    cancel_url = reverse_lazy("thinktank:suggestion_list")
    success_message = gettext_lazy("Suggestion submitted; you will find the answer on its page.")

    def save(self, form, obj):
        data = form.cleaned_data
        return services.suggestion_submit(
            actor=self.request.user,
            organization=data["organization"],
            author=data["author"],
            title=data["title"],
            field=data["field"],
            content=data["content"],
        )

    def get_success_url(self, obj):
        return reverse("thinktank:suggestion_detail", args=[obj.pk])


class SuggestionDetailView(ScopedViewMixin, DetailView):
    model = Suggestion
    template_name = "thinktank/suggestion_detail.html"
    context_object_name = "suggestion"

    def get_context_data(self, **kwargs):
        user, suggestion = self.request.user, self.object
        moves = services.suggestion_moves(user, suggestion)
        records = suggestion.history.all().select_related("history_user")
        return {
            **super().get_context_data(**kwargs),
            "moves": moves,
            "form": kwargs.get("form") or (SuggestionHandleForm() if moves else None),
            "history": history_entries(user=user, model=Suggestion, records=records),
        }


class SuggestionHandleView(ScopedViewMixin, SingleObjectMixin, View):
    model = Suggestion
    write_action = Action.REVIEW

    def post(self, request, *args, **kwargs):
        suggestion = self.get_object()
        form = SuggestionHandleForm(request.POST)
        if form.is_valid():
            try:
                services.suggestion_transition(
                    actor=request.user, suggestion=suggestion, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("The suggestion was updated; the submitter can read it.")
                )
                return redirect("thinktank:suggestion_detail", pk=suggestion.pk)
        view = SuggestionDetailView()
        view.setup(request, *args, **kwargs)
        view.object = suggestion
        context = view.get_context_data(object=suggestion, form=form)
        return view.render_to_response(context, status=400)
