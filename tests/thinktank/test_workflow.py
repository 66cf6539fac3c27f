"""The research topic's full process: each step by the right people, in order, with history;
forbidden steps refused; reviews exclude conflicts of interest."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from thinktank import services
from thinktank.models import ResearchResult, TopicReview
from thinktank.services import TransitionRefused


def submit(tt, topic):
    return services.topic_transition(actor=tt.society, topic=topic, move="submit", today=tt.today)


def review(tt, topic, expert, score=85):
    r = services.review_assign(actor=tt.reviewer, topic=topic, expert=expert)
    return services.review_score(
        actor=tt.reviewer, review=r, score=score, recommendation="approve", comment="可行"
    )


def test_a_topic_goes_from_application_to_the_results_bank(tt):
    topic = submit(tt, tt.topic())
    assert topic.state == "submitted" and topic.submitted_at
    review(tt, topic, tt.eco)
    topic.refresh_from_db()
    assert topic.state == "under_review"
    topic = services.topic_transition(actor=tt.reviewer, topic=topic, move="approve")
    services.topic_report_save(actor=tt.society, topic=topic, midterm_report="中期进展")
    topic = services.topic_transition(actor=tt.reviewer, topic=topic, move="midterm_pass")
    services.topic_report_save(actor=tt.society, topic=topic, final_report="结题报告")
    topic = services.topic_transition(
        actor=tt.reviewer, topic=topic, move="conclude", comment="同意结题"
    )
    assert topic.state == "concluded" and topic.final_comment == "同意结题"
    result = ResearchResult.objects.get(topic=topic)
    assert result.organization == tt.orgs["soc-agri"] and result.summary == "结题报告"
    states = [h.state for h in topic.history.order_by("history_date", "history_id")]
    assert states[0] == "draft" and states[-1] == "concluded"
    assert {"submitted", "under_review", "approved", "midterm_passed"} <= set(states)
    assert topic.history.filter(history_user=tt.reviewer).exists()


@pytest.mark.parametrize(
    "state, move",
    [
        ("draft", "approve"),
        ("draft", "midterm_pass"),
        ("draft", "conclude"),
        ("submitted", "approve"),  # not before the review
        ("submitted", "submit"),
        ("submitted", "conclude"),
        ("approved", "approve"),
        ("approved", "conclude"),  # not without the mid-term check
        ("approved", "withdraw"),
        ("rejected", "approve"),
        ("withdrawn", "submit"),
    ],
)
def test_forbidden_steps_are_refused_and_change_nothing(tt, state, move):
    topic = tt.topic()
    if state != "draft":
        submit(tt, topic)
    if state == "approved":
        review(tt, topic, tt.eco)
        services.topic_transition(actor=tt.reviewer, topic=topic, move="approve")
    elif state == "rejected":
        services.topic_transition(actor=tt.reviewer, topic=topic, move="reject", comment="不足")
    elif state == "withdrawn":
        services.topic_transition(actor=tt.society, topic=topic, move="withdraw")
    topic.refresh_from_db()
    before = (topic.state, topic.history.count())
    actor = tt.society if move in ("submit", "withdraw") else tt.reviewer
    with pytest.raises(ValidationError):
        services.topic_transition(actor=actor, topic=topic, move=move, today=tt.today)
    topic.refresh_from_db()
    assert (topic.state, topic.history.count()) == before


def test_approval_waits_for_every_assigned_expert(tt):
    topic = submit(tt, tt.topic())
    review(tt, topic, tt.eco)
    services.review_assign(actor=tt.reviewer, topic=topic, expert=tt.med)
    with pytest.raises(TransitionRefused, match="1"):
        services.topic_transition(actor=tt.reviewer, topic=topic, move="approve")


def test_steps_need_their_reports_and_reasons(tt):
    topic = submit(tt, tt.topic())
    with pytest.raises(ValidationError) as exc:
        services.topic_transition(actor=tt.reviewer, topic=topic, move="reject")
    assert "comment" in exc.value.message_dict
    review(tt, topic, tt.eco)
    services.topic_transition(actor=tt.reviewer, topic=topic, move="approve")
    with pytest.raises(TransitionRefused):
        services.topic_transition(actor=tt.reviewer, topic=topic, move="midterm_pass")
    with pytest.raises(TransitionRefused):  # the final report comes after the mid-term check
        services.topic_report_save(actor=tt.society, topic=topic, final_report="太早")


def test_applications_close_at_the_deadline_and_with_the_call(tt):
    import datetime as dt

    topic = tt.topic()
    with pytest.raises(TransitionRefused):
        services.topic_transition(
            actor=tt.society, topic=topic, move="submit", today=dt.date(2025, 4, 16)
        )
    services.call_transition(actor=tt.admin, call=tt.call, move="close")
    with pytest.raises(TransitionRefused):
        services.topic_save(
            actor=tt.society,
            call=tt.call,
            organization=tt.orgs["soc-agri"],
            title="迟到的申报",
            principal=tt.agri_a,
            summary="x",
        )


def test_each_side_takes_only_its_own_steps(tt):
    topic = submit(tt, tt.topic())
    with pytest.raises(PermissionDenied):  # an applicant does not review or decide
        services.review_assign(actor=tt.society, topic=topic, expert=tt.eco)
    with pytest.raises(PermissionDenied):
        services.topic_transition(actor=tt.society, topic=topic, move="reject", comment="x")
    with pytest.raises(PermissionDenied):  # a reviewer does not withdraw the application
        services.topic_transition(actor=tt.reviewer, topic=topic, move="withdraw")
    with pytest.raises(PermissionDenied):  # an officer elsewhere does not apply for a society
        services.topic_save(
            actor=tt.users["xining_officer"],
            call=tt.call,
            organization=tt.orgs["soc-agri"],
            title="别人的申报",
            principal=tt.agri_a,
            summary="x",
        )
    with pytest.raises(PermissionDenied):  # only the issuing STA's administrators move a call
        services.call_transition(actor=tt.reviewer, call=tt.call, move="close")


def test_a_call_is_not_concluded_while_applications_await_a_decision(tt):
    submit(tt, tt.topic())
    services.call_transition(actor=tt.admin, call=tt.call, move="close")
    with pytest.raises(TransitionRefused):
        services.call_transition(actor=tt.admin, call=tt.call, move="conclude")
    with pytest.raises(TransitionRefused):
        services.call_transition(actor=tt.admin, call=tt.call, move="open")


@pytest.mark.parametrize("who", ["same_org", "principal", "team", "unavailable"])
def test_conflicts_of_interest_are_excluded(tt, who):
    # the province fills in experts of other bodies (an applicant names experts it can see)
    topic = tt.topic(
        principal=tt.eco if who == "principal" else tt.agri_a,
        team=[tt.med] if who == "team" else [],
        actor=tt.admin,
    )
    submit(tt, topic)
    expert = {
        "same_org": tt.agri_b,
        "principal": tt.eco,
        "team": tt.med,
        "unavailable": tt.away,
    }[who]
    with pytest.raises(ValidationError) as exc:
        services.review_assign(actor=tt.reviewer, topic=topic, expert=expert)
    assert "expert" in exc.value.message_dict
    assert not TopicReview.objects.filter(topic=topic).exists()


def test_an_expert_reviews_a_topic_once_and_needs_comments(tt):
    topic = submit(tt, tt.topic())
    r = services.review_assign(actor=tt.reviewer, topic=topic, expert=tt.eco)
    with pytest.raises(ValidationError):
        services.review_assign(actor=tt.reviewer, topic=topic, expert=tt.eco)
    with pytest.raises(ValidationError) as exc:
        services.review_score(
            actor=tt.reviewer, review=r, score=80, recommendation="approve", comment=" "
        )
    assert "comment" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.review_score(
            actor=tt.reviewer, review=r, score=120, recommendation="approve", comment="好"
        )


def test_suggestions_are_handled_and_answered_to_the_submitter(
    tt, mailoutbox, django_capture_on_commit_callbacks
):
    tt.society.email = "society@demo.invalid"
    tt.society.save()
    s = services.suggestion_submit(
        actor=tt.society,
        organization=tt.orgs["soc-agri"],
        author="王甲",
        title="建议",
        content="内容",
    )
    with pytest.raises(PermissionDenied):  # the submitter does not handle it
        services.suggestion_transition(actor=tt.society, suggestion=s, move="accept")
    with pytest.raises(TransitionRefused):  # answered only once accepted
        services.suggestion_transition(
            actor=tt.reviewer, suggestion=s, move="answer", outcome="adopted", feedback="好"
        )
    services.suggestion_transition(actor=tt.reviewer, suggestion=s, move="accept")
    with pytest.raises(ValidationError) as exc:
        services.suggestion_transition(
            actor=tt.reviewer, suggestion=s, move="answer", outcome="adopted"
        )
    assert "feedback" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        s = services.suggestion_transition(
            actor=tt.reviewer, suggestion=s, move="answer", outcome="adopted", feedback="已采纳"
        )
    assert (s.state, s.outcome, s.feedback) == ("answered", "adopted", "已采纳")
    assert mailoutbox and mailoutbox[-1].to == ["society@demo.invalid"]
    assert "已采纳" in mailoutbox[-1].body
    with pytest.raises(TransitionRefused):
        services.suggestion_transition(
            actor=tt.reviewer, suggestion=s, move="decline", feedback="x"
        )
