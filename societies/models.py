"""The learned societies: registry, council terms and members, annual evaluations, brand conferences, journals."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qhsta.models import TimeStampedModel
from qhsta.scoping import Scope, ScopedQuerySet

from .choices import (
    STANDING,
    CouncilPosition,
    Discipline,
    EvaluationOutcome,
    JournalFrequency,
    MemberCategory,
    SocietyStatus,
)

SOCIETY_SCOPE = Scope(org_path="society__organization__path")


class Society(TimeStampedModel):
    """A provincial learned society's registry entry, one-to-one with its organisation."""

    organization = models.OneToOneField(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="society",
        limit_choices_to={"kind": "society"},
    )
    discipline = models.CharField(_("discipline"), max_length=24, choices=Discipline.choices)
    supervising_unit = models.CharField(_("supervising unit"), max_length=200)
    founded_on = models.DateField(_("founded on"))
    individual_members = models.PositiveIntegerField(_("individual members"), default=0)
    group_members = models.PositiveIntegerField(_("group members"), default=0)
    secretariat_staff = models.PositiveIntegerField(_("secretariat staff"), default=0)
    term_years = models.PositiveSmallIntegerField(
        _("term length (years)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("As the society's charter sets it; a new term's end defaults to it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SocietyStatus.choices, default=SocietyStatus.ACTIVE
    )
    status_note = models.CharField(_("reason for the status"), max_length=300, blank=True)
    history = HistoricalRecords()

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learned society")
        verbose_name_plural = _("learned societies")
        ordering = ["organization__path"]

    def __str__(self) -> str:
        return self.organization.display_name

    @property
    def name(self) -> str:
        return self.organization.display_name


class CouncilTerm(TimeStampedModel):
    """One term (届) of a society's council, from its election to its scheduled end (换届)."""

    society = models.ForeignKey(
        Society, verbose_name=_("society"), on_delete=models.CASCADE, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("term number"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("elected on"))
    ends_on = models.DateField(_("term ends on"))
    history = HistoricalRecords()

    scope = SOCIETY_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("council term")
        verbose_name_plural = _("council terms")
        ordering = ["society", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["society", "number"], name="council_term_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="council_term_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.society} · {self.number}"


class CouncilMember(TimeStampedModel):
    """A member of a term's council; positions above director also sit on the standing council."""

    term = models.ForeignKey(
        CouncilTerm,
        verbose_name=_("council term"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    name = models.CharField(_("full name"), max_length=100)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    position = models.CharField(
        _("council position"),
        max_length=20,
        choices=CouncilPosition.choices,
        default=CouncilPosition.DIRECTOR,
    )
    category = models.CharField(_("category"), max_length=12, choices=MemberCategory.choices)
    joined_on = models.DateField(
        _("joined on"), null=True, blank=True, help_text=_("Empty: from the term's election.")
    )
    left_on = models.DateField(
        _("left on"), null=True, blank=True, help_text=_("Empty: still on the council.")
    )
    history = HistoricalRecords()

    scope = Scope(org_path="term__society__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["term", "position", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gt=models.F("joined_on")),
                name="council_member_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_standing(self) -> bool:
        return self.position in STANDING

    def serves_on(self, day: dt.date) -> bool:
        joined = self.joined_on or self.term.starts_on
        return joined <= day and (self.left_on is None or self.left_on > day)


class EvaluationRound(TimeStampedModel):
    """A year's evaluation of the societies (学会工作考评), run by the provincial STA."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("evaluating organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    bottom_count = models.PositiveSmallIntegerField(
        _("societies at the bottom"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many of the lowest-ranked societies count as at the bottom."),
    )
    warn_after = models.PositiveSmallIntegerField(
        _("warn after consecutive years at the bottom"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    exit_after = models.PositiveSmallIntegerField(
        _("start exit after consecutive years at the bottom"),
        default=3,
        validators=[MinValueValidator(1)],
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope = Scope(org_path="organization__path", shared_down=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="evaluation_round_unique"
            ),
            models.CheckConstraint(
                condition=Q(exit_after__gte=models.F("warn_after")), name="evaluation_round_exit"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class EvaluationCriterion(models.Model):
    """One scored criterion of a year's evaluation, with its maximum score."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("what is scored"), max_length=500, blank=True)
    max_score = models.DecimalField(
        _("maximum score"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1000)],
    )

    scope = Scope(org_path="round__organization__path", shared_down=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["round", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="evaluation_criterion_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationScore(TimeStampedModel):
    """A society's score on one criterion, entered by the province."""

    criterion = models.ForeignKey(
        EvaluationCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    society = models.ForeignKey(
        Society,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="evaluation_scores",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    scope = SOCIETY_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        ordering = ["criterion", "society"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "society"], name="evaluation_score_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.society} · {self.criterion} · {self.score}"


class EvaluationResult(models.Model):
    """A society's total, rank and outcome in a closed year's evaluation."""

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    society = models.ForeignKey(
        Society,
        verbose_name=_("society"),
        on_delete=models.CASCADE,
        related_name="evaluation_results",
    )
    total = models.DecimalField(_("total score"), max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("rank"))
    at_bottom = models.BooleanField(_("at the bottom"), default=False)
    consecutive_bottom = models.PositiveSmallIntegerField(
        _("consecutive years at the bottom"), default=0
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=EvaluationOutcome.choices, blank=True
    )

    scope = SOCIETY_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["round", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["round", "society"], name="evaluation_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.society} · {self.rank}"


class BrandConference(TimeStampedModel):
    """An academic conference a society holds (一会一品牌: one brand conference per society)."""

    society = models.ForeignKey(
        Society, verbose_name=_("society"), on_delete=models.CASCADE, related_name="conferences"
    )
    name = models.CharField(_("conference"), max_length=200)
    is_brand = models.BooleanField(
        _("the society's brand conference"),
        default=False,
        help_text=_(
            "A society names one brand conference (一会一品牌); its editions keep the same name."
        ),
    )
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    papers = models.PositiveIntegerField(_("papers"), default=0)

    scope = SOCIETY_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["society", "-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%Y})"


class Journal(TimeStampedModel):
    """A journal a society publishes."""

    society = models.ForeignKey(
        Society, verbose_name=_("society"), on_delete=models.CASCADE, related_name="journals"
    )
    title = models.CharField(_("journal title"), max_length=200)
    issn = models.CharField(_("ISSN"), max_length=9, blank=True)
    cn_number = models.CharField(_("CN number"), max_length=20, blank=True)
    frequency = models.CharField(_("frequency"), max_length=12, choices=JournalFrequency.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("first published"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    is_core = models.BooleanField(_("core journal"), default=False)

    scope = SOCIETY_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["society", "title"]
        constraints = [
            models.UniqueConstraint(fields=["society", "title"], name="journal_unique"),
        ]

    def __str__(self) -> str:
        return self.title
