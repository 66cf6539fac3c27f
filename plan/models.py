"""The plan document's structure: plans, sections, principles, goals, guarantees, task groups, key tasks, indicators."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.choices import OrganizationKind
from qhsta.models import TimeStampedModel
from qhsta.scoping import Scope, ScopedQuerySet

from .choices import Aggregation, Comparison
from .querysets import PlanQuerySet


class Plan(TimeStampedModel):
    """A five-year development plan of the STA system (the 14th, 2021–2025; the 15th next)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The STA whose plan this is; everyone in its tree can read it."),
    )
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=120, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    notice = models.TextField(_("notice of issue"), blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    foreword = models.TextField(_("foreword"), blank=True)
    guiding_ideology = models.TextField(_("guiding ideology"), blank=True)
    overall_goal = models.TextField(_("overall goal"), blank=True)

    scope = Scope(org_path="organization__path", shared_down=True)
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.short_title or self.title

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    def is_running(self, year: int | None = None) -> bool:
        year = year or timezone.localdate().year
        return self.start_year <= year <= self.end_year


# A plan's parts are read by everyone in the plan's tree and changed by those who manage its STA.
PLAN_PART_SCOPE = Scope(org_path="plan__organization__path", shared_down=True)


class PlanSection(models.Model):
    """A numbered passage of a plan: a principle, a specific goal or a guarantee."""

    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        abstract = True
        ordering = ["plan", "number"]

    def __str__(self) -> str:
        return self.title


class Principle(PlanSection):
    """A guiding principle (基本原则)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="principles")
    scope = PLAN_PART_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta(PlanSection.Meta):
        verbose_name = _("guiding principle")
        verbose_name_plural = _("guiding principles")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="principle_number_unique")
        ]


class SpecificGoal(PlanSection):
    """A specific goal (具体目标) under the overall goal."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="specific_goals")
    scope = PLAN_PART_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta(PlanSection.Meta):
        verbose_name = _("specific goal")
        verbose_name_plural = _("specific goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="specific_goal_number_unique")
        ]


class Guarantee(PlanSection):
    """An implementation guarantee (实施保障)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="guarantees")
    label = models.CharField(_("label"), max_length=16, blank=True)
    scope = PLAN_PART_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta(PlanSection.Meta):
        verbose_name = _("implementation guarantee")
        verbose_name_plural = _("implementation guarantees")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="guarantee_number_unique")
        ]


class TaskGroup(models.Model):
    """A group of key tasks, one section of 重点任务, such as (一)强化思想政治引领."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=16, blank=True)
    title = models.CharField(_("title"), max_length=200)

    scope = PLAN_PART_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_group_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"


class KeyTask(models.Model):
    """A key task (重点任务) of a plan, numbered across the plan's groups."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_tasks")
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="key_tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    scope = PLAN_PART_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="key_task_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}.{self.title}"

    def clean(self) -> None:
        if self.group_id and self.plan_id and self.group.plan_id != self.plan_id:
            raise ValidationError({"group": _("The group belongs to another plan.")})

    @property
    def full_text(self) -> str:
        """The task as the document prints it: number, title, full stop, text."""
        return f"{self.number}.{self.title}。{self.text}"


class Indicator(TimeStampedModel):
    """A countable indicator of a plan, with its baseline and target."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=32)
    description = models.TextField(_("description"), blank=True)
    source_text = models.TextField(_("wording in the plan"), blank=True)
    key_task = models.ForeignKey(
        KeyTask,
        verbose_name=_("key task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    specific_goal = models.ForeignKey(
        SpecificGoal,
        verbose_name=_("specific goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=6)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    comparison = models.CharField(
        _("target is"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    aggregation = models.CharField(_("aggregation"), max_length=16, choices=Aggregation.choices)
    reporting_kind = models.CharField(
        _("reported by every"),
        max_length=32,
        choices=OrganizationKind.choices,
        blank=True,
        help_text=_(
            "Every active organisation of this kind is expected to report the indicator (a "
            "register feeds it for each of them). Left blank, the organisations expected are "
            "those whose assignments of the year carry it."
        ),
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_(
            "Another indicator of the same target, such as the standing councils' share beside "
            "the councils' share (task 14): that indicator is met only when this one reaches its "
            "own target too."
        ),
    )
    part_label = models.CharField(
        _("name beside the other parts"),
        max_length=60,
        blank=True,
        help_text=_(
            "A short name of the figure where the parts of one target are shown together, "
            "such as 理事会 and 常务理事会."
        ),
    )
    is_headline = models.BooleanField(_("headline indicator"), default=False)
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Shown on the public page of headline indicators, without a login."),
    )

    scope = Scope(org_path="plan__organization__path", shared_down=True, public="is_published")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        return self.part_label or self.name

    def clean(self) -> None:
        if (self.baseline is None) != (self.baseline_year is None):
            raise ValidationError(_("A baseline needs its year, and a baseline year its value."))
        if self.baseline_year and self.target_year and self.baseline_year >= self.target_year:
            raise ValidationError(
                {"target_year": _("The target year must follow the baseline year.")}
            )
        if self.part_of_id:
            whole = self.part_of
            if whole.plan_id != self.plan_id:
                raise ValidationError({"part_of": _("The indicator belongs to another plan.")})
            if whole.part_of_id or whole.pk == self.pk or (self.pk and self.parts.exists()):
                raise ValidationError(
                    {"part_of": _("An indicator is part of another one only one level deep.")}
                )
