"""States of calls, topics, reviews, consulting topics and suggestions; availability, recommendations, outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    REVIEWING = "reviewing", _("Closed, under review")
    CONCLUDED = "concluded", _("Concluded")


class TopicState(models.TextChoices):
    """The steps of a research topic, from application to the results bank."""

    DRAFT = "draft", _("Draft application")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNDER_REVIEW = "under_review", _("Proposal under review")
    REJECTED = "rejected", _("Not approved")
    APPROVED = "approved", _("Approved, in progress")
    MIDTERM_PASSED = "midterm_passed", _("Mid-term check passed")
    CONCLUDED = "concluded", _("Accepted (concluded)")
    TERMINATED = "terminated", _("Terminated")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited")
    UNAVAILABLE = "unavailable", _("Unavailable")


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "revise", _("Approve after revision")
    REJECT = "reject", _("Do not approve")


class ReviewState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Scored")


class ConsultingTopicState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted into a call")
    ARCHIVED = "archived", _("Archived")


class ResultKind(models.TextChoices):
    REPORT = "report", _("Research report")
    POLICY = "policy", _("Policy recommendation")
    PAPER = "paper", _("Paper or book")
    OTHER = "other", _("Other")


class SuggestionState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    HANDLING = "handling", _("Being handled")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Not accepted")


class SuggestionOutcome(models.TextChoices):
    FORWARDED = "forwarded", _("Forwarded to the Party committee and government")
    PUBLISHED = "published", _("Published in 科技工作者建言")
    ADOPTED = "adopted", _("Adopted")
    REFERENCE = "reference", _("Kept for reference")
