"""Writes for the think tank: calls, the research topics' state machine, reviews with conflicts of
interest excluded, the banks, and suggestions from scientists with feedback to the submitter."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organization
from qhsta.scoping import Action, user_can

from .choices import (
    Availability,
    CallState,
    ConsultingTopicState,
    ResultKind,
    ReviewState,
    SuggestionOutcome,
    SuggestionState,
    TopicState,
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


class TransitionRefused(ValidationError):
    """A state change the workflow does not allow from the current state."""


def _require(user, action: Action, obj, message: str) -> None:
    if not user_can(user, action, obj):
        raise PermissionDenied(message)


def _save(row, actor, reason: str = "") -> None:
    row.full_clean()
    row._history_user = actor
    if reason:
        row._change_reason = reason
    row.save()


# ---- expert bank and consulting-topic bank -------------------------------------------------

EXPERT_FIELDS = (
    "name",
    "employer",
    "title",
    "expertise",
    "email",
    "phone",
    "availability",
    "notes",
)


@transaction.atomic
def expert_save(
    *, actor, organization: Organization, expert: Expert | None = None, **fields
) -> Expert:
    """Create or change an expert of the bank, kept by the member body they belong to."""
    message = _("You may not keep experts of %(org)s.") % {"org": organization}
    _require(actor, Action.REPORT, organization, message)
    if expert is not None:
        _require(actor, Action.REPORT, expert.organization, message)
    row = expert or Expert()
    row.organization = organization
    for name in EXPERT_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    if "user" in fields:
        row.user = fields["user"]
    _save(row, actor)
    return row


CONSULTING_FIELDS = ("title", "field", "description", "year")


@transaction.atomic
def consulting_topic_save(
    *, actor, organization: Organization, topic: ConsultingTopic | None = None, **fields
) -> ConsultingTopic:
    """Propose or change a consulting topic of the bank."""
    message = _("You may not propose topics for %(org)s.") % {"org": organization}
    _require(actor, Action.REPORT, organization, message)
    if topic is not None:
        _require(actor, Action.REPORT, topic.organization, message)
        if topic.state != ConsultingTopicState.PROPOSED:
            raise TransitionRefused(_("A topic adopted or archived is no longer changed."))
    row = topic or ConsultingTopic()
    row.organization = organization
    for name in CONSULTING_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    _save(row, actor)
    return row


@transaction.atomic
def consulting_topic_adopt(*, actor, topic: ConsultingTopic, call: TopicCall) -> ConsultingTopic:
    """Take a proposed topic into a call's guide (the call's organiser)."""
    _require(actor, Action.MANAGE, call, _("Only the call's administrators adopt topics."))
    if topic.state != ConsultingTopicState.PROPOSED:
        raise TransitionRefused(_("Only a proposed topic can be adopted."))
    if call.state not in (CallState.DRAFT, CallState.OPEN):
        raise TransitionRefused(_("The call is closed."))
    topic.state, topic.call = ConsultingTopicState.ADOPTED, call
    _save(topic, actor, "adopted")
    return topic


@transaction.atomic
def consulting_topic_archive(*, actor, topic: ConsultingTopic) -> ConsultingTopic:
    _require(actor, Action.REPORT, topic.organization, _("You may not archive this topic."))
    if topic.state == ConsultingTopicState.ARCHIVED:
        raise TransitionRefused(_("The topic is already archived."))
    topic.state = ConsultingTopicState.ARCHIVED
    _save(topic, actor, "archived")
    return topic


# ---- calls ---------------------------------------------------------------------------------

CALL_FIELDS = (
    "year",
    "title",
    "guide",
    "application_deadline",
    "review_deadline",
    "midterm_deadline",
    "final_deadline",
)
CALL_MOVES = {
    "open": ({CallState.DRAFT}, CallState.OPEN),
    "close": ({CallState.OPEN}, CallState.REVIEWING),
    "conclude": ({CallState.REVIEWING}, CallState.CONCLUDED),
}


@transaction.atomic
def call_save(
    *, actor, organization: Organization, call: TopicCall | None = None, **fields
) -> TopicCall:
    """Create or change a call for topics (its administrators); deadlines stay in step order."""
    message = _("Only administrators of %(org)s issue calls.") % {"org": organization}
    _require(actor, Action.MANAGE, organization, message)
    if call is not None:
        _require(actor, Action.MANAGE, call.organization, message)
        if call.state == CallState.CONCLUDED:
            raise TransitionRefused(_("A concluded call is no longer changed."))
    row = call or TopicCall()
    row.organization = organization
    for name in CALL_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    _save(row, actor)
    return row


@transaction.atomic
def call_transition(*, actor, call: TopicCall, move: str) -> TopicCall:
    """Open a call for applications, close it for review, or conclude it."""
    _require(actor, Action.MANAGE, call, _("Only the call's administrators change its state."))
    call = TopicCall.objects.select_for_update().get(pk=call.pk)
    if move not in CALL_MOVES:
        raise TransitionRefused(_("Unknown step."))
    sources, target = CALL_MOVES[move]
    if call.state not in sources:
        raise TransitionRefused(
            _("A call that is “%(state)s” cannot be moved to “%(target)s”.")
            % {"state": call.get_state_display(), "target": CallState(target).label}
        )
    if move == "conclude":
        open_topics = call.topics.filter(
            state__in=[TopicState.SUBMITTED, TopicState.UNDER_REVIEW]
        ).count()
        if open_topics:
            raise TransitionRefused(
                _("%(n)s applications still await a decision.") % {"n": open_topics}
            )
    call.state = target
    _save(call, actor, move)
    return call


# ---- research topics -----------------------------------------------------------------------

TOPIC_FIELDS = ("title", "summary", "budget", "principal")


def _applicant(actor, topic: ResearchTopic) -> None:
    _require(
        actor,
        Action.REPORT,
        topic.organization,
        _("Only the applicant organisation changes its application."),
    )


def _organiser(actor, call: TopicCall) -> None:
    _require(actor, Action.REVIEW, call, _("Only the call's organisers review and decide topics."))


@transaction.atomic
def topic_save(
    *,
    actor,
    call: TopicCall,
    organization: Organization,
    topic: ResearchTopic | None = None,
    team: list[Expert] | None = None,
    **fields,
) -> ResearchTopic:
    """Write a draft application (only while it is a draft and the call takes applications)."""
    _require(
        actor,
        Action.REPORT,
        organization,
        _("You may not apply for %(org)s.") % {"org": organization},
    )
    if not user_can(actor, Action.VIEW, call):
        raise PermissionDenied(_("You may not apply to this call."))
    if topic is not None:
        _applicant(actor, topic)
        if topic.state != TopicState.DRAFT:
            raise TransitionRefused(_("Only a draft application can be changed."))
    call = TopicCall.objects.get(pk=call.pk)  # its state as stored now
    if call.state != CallState.OPEN:
        raise TransitionRefused(_("The call does not take applications now."))
    row = topic or ResearchTopic(call=call)
    row.organization = organization
    for name in TOPIC_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    if row.principal_id and not user_can(actor, Action.VIEW, row.principal):
        raise ValidationError({"principal": _("Choose an expert from the bank you can see.")})
    _save(row, actor)
    if team is not None:
        if row.principal_id in {e.pk for e in team}:
            raise ValidationError({"team": _("The principal investigator is not a team member.")})
        row.team.set(team)
    return row


@transaction.atomic
def topic_report_save(
    *,
    actor,
    topic: ResearchTopic,
    midterm_report: str | None = None,
    final_report: str | None = None,
) -> ResearchTopic:
    """The applicant writes the mid-term report (approved topics) or the final report (topics
    past the mid-term check)."""
    _applicant(actor, topic)
    if midterm_report is not None:
        if topic.state != TopicState.APPROVED:
            raise TransitionRefused(_("The mid-term report is written while the topic runs."))
        topic.midterm_report = midterm_report
    if final_report is not None:
        if topic.state != TopicState.MIDTERM_PASSED:
            raise TransitionRefused(
                _("The final report is written after the mid-term check has been passed.")
            )
        topic.final_report = final_report
    _save(topic, actor)
    return topic


@dataclass(frozen=True)
class Move:
    sources: frozenset
    target: str
    by: str  # "applicant" or "organiser"
    comment_required: bool = False


TOPIC_MOVES = {
    "submit": Move(frozenset({TopicState.DRAFT}), TopicState.SUBMITTED, "applicant"),
    "withdraw": Move(
        frozenset({TopicState.DRAFT, TopicState.SUBMITTED}), TopicState.WITHDRAWN, "applicant"
    ),
    "approve": Move(frozenset({TopicState.UNDER_REVIEW}), TopicState.APPROVED, "organiser"),
    "reject": Move(
        frozenset({TopicState.SUBMITTED, TopicState.UNDER_REVIEW}),
        TopicState.REJECTED,
        "organiser",
        comment_required=True,
    ),
    "midterm_pass": Move(frozenset({TopicState.APPROVED}), TopicState.MIDTERM_PASSED, "organiser"),
    "conclude": Move(frozenset({TopicState.MIDTERM_PASSED}), TopicState.CONCLUDED, "organiser"),
    "terminate": Move(
        frozenset({TopicState.APPROVED, TopicState.MIDTERM_PASSED}),
        TopicState.TERMINATED,
        "organiser",
        comment_required=True,
    ),
}


def topic_moves(user, topic: ResearchTopic) -> list[str]:
    """The steps `user` may take on `topic` now (for the buttons on its page)."""
    allowed = []
    for name, move in TOPIC_MOVES.items():
        if topic.state not in move.sources:
            continue
        if move.by == "applicant":
            permitted = user_can(user, Action.REPORT, topic.organization)
        else:
            permitted = user_can(user, Action.REVIEW, topic.call)
        if permitted:
            allowed.append(name)
    return allowed


@transaction.atomic
def topic_transition(
    *, actor, topic: ResearchTopic, move: str, comment: str = "", today=None
) -> ResearchTopic:
    """Take one step of the topic's workflow; any other step from its state is refused."""
    if move not in TOPIC_MOVES:
        raise TransitionRefused(_("Unknown step."))
    step = TOPIC_MOVES[move]
    if step.by == "applicant":
        _applicant(actor, topic)
    else:
        _organiser(actor, topic.call)
    topic = ResearchTopic.objects.select_for_update().select_related("call").get(pk=topic.pk)
    if topic.state not in step.sources:
        raise TransitionRefused(
            _("A topic that is “%(state)s” cannot be moved to “%(target)s”.")
            % {"state": topic.get_state_display(), "target": TopicState(step.target).label}
        )
    comment = (comment or "").strip()
    if step.comment_required and not comment:
        raise ValidationError({"comment": _("Give the reason; the applicant will read it.")})
    now = timezone.now()
    today = today or timezone.localdate()
    call = topic.call
    if move == "submit":
        if call.state != CallState.OPEN or today > call.application_deadline:
            raise TransitionRefused(
                _("The call took applications until %(date)s.")
                % {"date": call.application_deadline.isoformat()}
            )
        topic.submitted_at = now
    elif move in ("approve", "reject"):
        if move == "approve":
            _check_reviews_done(topic)
        topic.decided_at, topic.decision_comment = now, comment
    elif move == "midterm_pass":
        if not topic.midterm_report.strip():
            raise TransitionRefused(_("The applicant has not written the mid-term report yet."))
        topic.midterm_at, topic.midterm_comment = now, comment
    elif move == "conclude":
        if not topic.final_report.strip():
            raise TransitionRefused(_("The applicant has not written the final report yet."))
        topic.concluded_at, topic.final_comment = now, comment
    elif move == "terminate":
        if topic.state == TopicState.APPROVED:
            topic.midterm_at, topic.midterm_comment = now, comment
        else:
            topic.concluded_at, topic.final_comment = now, comment
    topic.state = step.target
    _save(topic, actor, move)
    if move == "conclude":
        result = ResearchResult(
            organization=topic.organization,
            topic=topic,
            title=topic.title,
            kind=ResultKind.REPORT,
            year=today.year,
            summary=topic.final_report,
        )
        _save(result, actor, "concluded topic")
    return topic


def _check_reviews_done(topic: ResearchTopic) -> None:
    reviews = list(topic.reviews.all())
    if not reviews:
        raise TransitionRefused(_("No expert has reviewed the proposal yet."))
    pending = [r for r in reviews if r.state != ReviewState.SUBMITTED]
    if pending:
        raise TransitionRefused(
            _("%(n)s assigned experts have not scored the proposal yet.") % {"n": len(pending)}
        )


# ---- proposal review -----------------------------------------------------------------------


def conflict_of_interest(expert: Expert, topic: ResearchTopic) -> str | None:
    """Why `expert` may not review `topic`, or None: their own organisation's application, or
    one they lead or are on."""
    if expert.organization_id == topic.organization_id:
        return _("%(name)s belongs to the applicant organisation.") % {"name": expert.name}
    if expert.pk == topic.principal_id:
        return _("%(name)s leads this topic.") % {"name": expert.name}
    if topic.pk and topic.team.filter(pk=expert.pk).exists():
        return _("%(name)s is on the topic's team.") % {"name": expert.name}
    return None


@transaction.atomic
def review_assign(*, actor, topic: ResearchTopic, expert: Expert) -> TopicReview:
    """Assign an expert to review a submitted proposal; conflicts of interest are refused. The
    first assignment puts the topic under review."""
    _organiser(actor, topic.call)
    topic = ResearchTopic.objects.select_for_update().select_related("call").get(pk=topic.pk)
    if topic.state not in (TopicState.SUBMITTED, TopicState.UNDER_REVIEW):
        raise TransitionRefused(_("Experts are assigned to submitted proposals only."))
    if not user_can(actor, Action.VIEW, expert):
        raise PermissionDenied(_("Choose an expert from the bank you can see."))
    conflict = conflict_of_interest(expert, topic)
    if conflict:
        raise ValidationError({"expert": _("Conflict of interest: %(why)s") % {"why": conflict}})
    if expert.availability == Availability.UNAVAILABLE:
        raise ValidationError({"expert": _("%(name)s is not available.") % {"name": expert.name}})
    if topic.reviews.filter(expert=expert).exists():
        raise ValidationError(
            {"expert": _("%(name)s already reviews this topic.") % {"name": expert.name}}
        )
    review = TopicReview(topic=topic, expert=expert, deadline=topic.call.review_deadline)
    _save(review, actor, "assigned")
    if topic.state == TopicState.SUBMITTED:
        topic.state = TopicState.UNDER_REVIEW
        _save(topic, actor, "review started")
    return review


@transaction.atomic
def review_score(
    *, actor, review: TopicReview, score, recommendation: str, comment: str
) -> TopicReview:
    """Record an expert's score and comments (entered by the organiser from the review
    meeting's sheets, or by the expert's own account)."""
    is_expert = review.expert.user_id is not None and review.expert.user_id == actor.pk
    if not is_expert:
        _organiser(actor, review.topic.call)
    if review.topic.state != TopicState.UNDER_REVIEW:
        raise TransitionRefused(_("The proposal is no longer under review."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Give the expert's comments.")})
    review.score, review.recommendation, review.comment = score, recommendation, comment.strip()
    review.state, review.submitted_at = ReviewState.SUBMITTED, timezone.now()
    _save(review, actor, "scored")
    return review


@transaction.atomic
def review_withdraw(*, actor, review: TopicReview) -> None:
    """Take back an assignment not yet scored."""
    _organiser(actor, review.topic.call)
    if review.state != ReviewState.ASSIGNED or review.topic.state != TopicState.UNDER_REVIEW:
        raise TransitionRefused(_("Only an assignment not yet scored can be taken back."))
    review._history_user = actor
    review.delete()


# ---- results bank --------------------------------------------------------------------------

RESULT_FIELDS = ("title", "kind", "year", "summary", "adoption")


@transaction.atomic
def result_save(
    *, actor, organization: Organization, result: ResearchResult | None = None, **fields
) -> ResearchResult:
    """Add a result to the bank (or change one, for example its adoption)."""
    message = _("You may not record results of %(org)s.") % {"org": organization}
    _require(actor, Action.REPORT, organization, message)
    if result is not None:
        _require(actor, Action.REPORT, result.organization, message)
        if result.topic_id and organization.pk != result.organization_id:
            raise ValidationError(
                {"organization": _("A topic's result stays with the topic's organisation.")}
            )
    row = result or ResearchResult()
    row.organization = organization
    for name in RESULT_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    _save(row, actor)
    return row


# ---- suggestions from scientists -----------------------------------------------------------


@transaction.atomic
def suggestion_submit(
    *, actor, organization: Organization, author: str, title: str, content: str, field: str = ""
) -> Suggestion:
    """Submit a suggestion through an organisation the submitter reports for."""
    _require(
        actor,
        Action.REPORT,
        organization,
        _("You may not submit suggestions through %(org)s.") % {"org": organization},
    )
    row = Suggestion(
        organization=organization,
        submitter=actor,
        author=author,
        title=title,
        field=field,
        content=content,
    )
    _save(row, actor, "submitted")
    return row


def _handler(actor, suggestion: Suggestion) -> None:
    _require(actor, Action.REVIEW, suggestion, _("Only reviewers handle suggestions."))


SUGGESTION_MOVES = {
    "accept": ({SuggestionState.SUBMITTED}, SuggestionState.HANDLING),
    "answer": ({SuggestionState.HANDLING}, SuggestionState.ANSWERED),
    "decline": ({SuggestionState.SUBMITTED, SuggestionState.HANDLING}, SuggestionState.DECLINED),
}


def suggestion_moves(user, suggestion: Suggestion) -> list[str]:
    if not user_can(user, Action.REVIEW, suggestion):
        return []
    return [m for m, (sources, _t) in SUGGESTION_MOVES.items() if suggestion.state in sources]


@transaction.atomic
def suggestion_transition(
    *, actor, suggestion: Suggestion, move: str, outcome: str = "", feedback: str = ""
) -> Suggestion:
    """Accept a suggestion for handling, answer it (outcome and feedback), or decline it (with
    the reason); the submitter is told by e-mail after commit."""
    _handler(actor, suggestion)
    if move not in SUGGESTION_MOVES:
        raise TransitionRefused(_("Unknown step."))
    sources, target = SUGGESTION_MOVES[move]
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state not in sources:
        raise TransitionRefused(
            _("A suggestion that is “%(state)s” cannot be moved to “%(target)s”.")
            % {"state": suggestion.get_state_display(), "target": SuggestionState(target).label}
        )
    feedback = (feedback or "").strip()
    now = timezone.now()
    if move == "accept":
        suggestion.accepted_at, suggestion.handler = now, actor
    else:
        if not feedback:
            raise ValidationError({"feedback": _("Write the feedback the submitter will read.")})
        if move == "answer":
            if outcome not in SuggestionOutcome.values:
                raise ValidationError({"outcome": _("Choose the outcome.")})
            suggestion.outcome = outcome
        suggestion.feedback, suggestion.answered_at = feedback, now
        suggestion.handler = suggestion.handler or actor
    suggestion.state = target
    _save(suggestion, actor, move)
    if move != "accept":
        transaction.on_commit(lambda: _notify_submitter(suggestion.pk))
    return suggestion


def _notify_submitter(suggestion_pk: int) -> None:
    suggestion = Suggestion.objects.select_related("submitter").filter(pk=suggestion_pk).first()
    user = suggestion and suggestion.submitter
    if not user or not user.email:
        return
    send_mail(
        subject=_("Feedback on your suggestion “%(title)s”") % {"title": suggestion.title},
        message=f"{suggestion.get_state_display()}\n\n{suggestion.feedback}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
        fail_silently=True,
    )
