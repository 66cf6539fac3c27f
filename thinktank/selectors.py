"""Reads for the think-tank pages: a topic's steps with their deadlines and dates."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import TopicState
from .models import ResearchTopic

ORDER = [
    TopicState.DRAFT,
    TopicState.SUBMITTED,
    TopicState.UNDER_REVIEW,
    TopicState.APPROVED,
    TopicState.MIDTERM_PASSED,
    TopicState.CONCLUDED,
]


@dataclass
class Step:
    name: str
    deadline: object
    done_at: object
    state: str  # "done", "current", "todo", "stopped"

    @property
    def overdue(self) -> bool:
        return self.state == "current" and self.deadline and self.deadline < timezone.localdate()


def topic_steps(topic: ResearchTopic) -> list[Step]:
    """Application, proposal review, mid-term check and final acceptance: each with the call's
    deadline, the date it was done, and where the topic stands."""
    call = topic.call
    stopped = topic.state in (TopicState.WITHDRAWN, TopicState.REJECTED, TopicState.TERMINATED)
    reached = {
        "application": topic.submitted_at,
        "review": topic.decided_at,
        "midterm": topic.midterm_at if topic.state != TopicState.TERMINATED else None,
        "final": topic.concluded_at if topic.state == TopicState.CONCLUDED else None,
    }
    rows = [
        ("application", _("Application"), call.application_deadline),
        ("review", _("Proposal review and approval"), call.review_deadline),
        ("midterm", _("Mid-term check"), call.midterm_deadline),
        ("final", _("Final acceptance"), call.final_deadline),
    ]
    steps, current_found = [], False
    for key, name, deadline in rows:
        done = reached[key]
        if key == "review" and topic.state == TopicState.REJECTED:
            done = None
        if done:
            state = "done"
        elif stopped:
            state = "stopped"
        elif not current_found:
            state, current_found = "current", True
        else:
            state = "todo"
        steps.append(Step(str(name), deadline, done, state))
    return steps
