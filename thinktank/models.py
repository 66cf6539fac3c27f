"""The think tank: expert bank, consulting topics, calls for topics, research topics and reviews, results, suggestions."""

import itertools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qhsta.models import TimeStampedModel
from qhsta.scoping import Scope, ScopedQuerySet

from .choices import (
    Availability,
    CallState,
    ConsultingTopicState,
    Recommendation,
    ResultKind,
    ReviewState,
    SuggestionOutcome,
    SuggestionState,
    TopicState,
)


class Expert(TimeStampedModel):
    """An expert of the expert bank (专家库): fields, organisation and availability."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="experts",
        help_text=_("The member body the expert belongs to; it keeps the expert's record."),
    )
    name = models.CharField(_("name"), max_length=100)
    employer = models.CharField(_("work unit"), max_length=200, blank=True)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    expertise = models.CharField(
        _("fields"), max_length=300, help_text=_("Research fields, separated by 、 or commas.")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    availability = models.CharField(
        _("availability"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="expert_profiles",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("expert bank")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name", "employer"], name="expert_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）" if self.employer else self.name

    @property
    def field_list(self) -> list[str]:
        import re

        return [f.strip() for f in re.split(r"[、,，;；]+", self.expertise) if f.strip()]


class ConsultingTopic(TimeStampedModel):
    """A decision-consulting topic of the topic bank (选题库), proposed by a member body."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="consulting_topics",
    )
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ConsultingTopicState.choices,
        default=ConsultingTopicState.PROPOSED,
    )
    call = models.ForeignKey(
        "TopicCall",
        verbose_name=_("adopted into call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consulting_topics",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consulting topic")
        verbose_name_plural = _("consulting-topic bank")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class TopicCall(TimeStampedModel):
    """A call for research topics (选题征集 and 公开申报), with the deadline of every step."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="topic_calls",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    guide = models.TextField(_("guide and topics"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=CallState.choices, default=CallState.DRAFT
    )
    application_deadline = models.DateField(_("application deadline"))
    review_deadline = models.DateField(_("proposal review deadline"))
    midterm_deadline = models.DateField(_("mid-term check deadline"))
    final_deadline = models.DateField(_("final acceptance deadline"))
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # everyone below the issuing STA reads its calls (societies and experts apply to them)
    scope = Scope(org_path="organization__path", shared_down=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("call for topics")
        verbose_name_plural = _("calls for topics")
        ordering = ["-year", "-application_deadline"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        steps = [
            ("application_deadline", self.application_deadline),
            ("review_deadline", self.review_deadline),
            ("midterm_deadline", self.midterm_deadline),
            ("final_deadline", self.final_deadline),
        ]
        for (_name, earlier), (name, later) in itertools.pairwise(steps):
            if earlier and later and later < earlier:
                raise ValidationError(
                    {name: _("Each step's deadline must follow the previous one's.")}
                )


class ResearchTopic(TimeStampedModel):
    """An application to a call and, once approved, the research topic it becomes, through
    proposal review, mid-term check and final acceptance."""

    call = models.ForeignKey(
        TopicCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="topics"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("applicant organisation"),
        on_delete=models.PROTECT,
        related_name="research_topics",
    )
    title = models.CharField(_("title"), max_length=200)
    principal = models.ForeignKey(
        Expert,
        verbose_name=_("principal investigator"),
        on_delete=models.PROTECT,
        related_name="led_topics",
    )
    team = models.ManyToManyField(
        Expert, verbose_name=_("team members"), blank=True, related_name="team_topics"
    )
    summary = models.TextField(_("research plan"))
    budget = models.DecimalField(
        _("budget (10,000 yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TopicState.choices, default=TopicState.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision"), blank=True)
    midterm_report = models.TextField(_("mid-term report"), blank=True)
    midterm_at = models.DateTimeField(_("mid-term check at"), null=True, blank=True)
    midterm_comment = models.TextField(_("mid-term check opinion"), blank=True)
    final_report = models.TextField(_("final report"), blank=True)
    concluded_at = models.DateTimeField(_("final acceptance at"), null=True, blank=True)
    final_comment = models.TextField(_("final acceptance opinion"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[team])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("research topic")
        verbose_name_plural = _("research topics")
        ordering = ["-call__year", "call", "title"]
        constraints = [
            models.UniqueConstraint(fields=["call", "title"], name="topic_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class TopicReview(TimeStampedModel):
    """An assigned expert's proposal review of a topic: score and comments. Read only by the
    call's organiser (reviews are not shown to applicants)."""

    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.ASSIGNED
    )
    deadline = models.DateField(_("deadline"))
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=8, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="topic__call__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal review")
        verbose_name_plural = _("proposal reviews")
        ordering = ["topic", "expert__name"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "expert"], name="review_once_per_expert"),
            models.CheckConstraint(
                condition=Q(state="assigned") | Q(score__isnull=False),
                name="review_scored_has_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.expert}"


class ResearchResult(TimeStampedModel):
    """A result of the results bank (成果库): a concluded topic's output or another study."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="research_results",
    )
    topic = models.OneToOneField(
        ResearchTopic,
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="result",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=ResultKind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    summary = models.TextField(_("summary"))
    adoption = models.TextField(
        _("adoption"),
        blank=True,
        help_text=_("Instructions from leaders, adoption by departments, publication."),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("research result")
        verbose_name_plural = _("results bank")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Suggestion(TimeStampedModel):
    """A suggestion from scientists (建言献策): submitted, handled, answered to the submitter."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("submitted through"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="suggestions",
    )
    author = models.CharField(
        _("author"), max_length=200, help_text=_("The scientists who make the suggestion.")
    )
    title = models.CharField(_("title"), max_length=200)
    field = models.CharField(_("field"), max_length=100, blank=True)
    content = models.TextField(_("suggestion"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=SuggestionState.choices,
        default=SuggestionState.SUBMITTED,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=SuggestionOutcome.choices, blank=True
    )
    feedback = models.TextField(_("feedback to the submitter"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion from scientists")
        verbose_name_plural = _("suggestions from scientists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
