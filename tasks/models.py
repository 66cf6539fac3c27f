"""Every model of carrying out the plan: periods, work items, assignments, reports, evidence, values, reminders, rollups and the outbox."""

import decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qhsta.models import TimeStampedModel
from qhsta.scoping import Scope, ScopedQuerySet

from .choices import AssignmentRole, PeriodKind, ProgressStatus, ReportState


def evidence_storage():
    """Evidence files live outside the web root; only the evidence view serves them."""
    return FileSystemStorage(location=settings.MEDIA_ROOT / "evidence", base_url=None)


class ReportingPeriod(models.Model):
    """A period officers report for (a quarter, a half-year or a year), with its deadline."""

    plan = models.ForeignKey("plan.Plan", on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number in the year"), default=1)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deadline = models.DateField(_("reporting deadline"))
    # Closed by the province (tasks.services.period_close): officers no longer open, save, submit
    # or correct reports of the period, nothing of it is reminded or shown as overdue.
    closed_at = models.DateTimeField(_("reporting closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporting closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope = Scope(org_path="plan__organization__path", shared_down=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "starts_on", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "year", "number"], name="period_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        if self.kind == PeriodKind.QUARTER:
            return gettext("%(year)s Q%(n)s") % {"year": self.year, "n": self.number}
        if self.kind == PeriodKind.HALF_YEAR:
            return gettext("%(year)s H%(n)s") % {"year": self.year, "n": self.number}
        return gettext("%(year)s (year)") % {"year": self.year}

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class WorkItem(TimeStampedModel):
    """An annual work item (年度工作计划) that carries out part of a key task."""

    key_task = models.ForeignKey(
        "plan.KeyTask",
        verbose_name=_("key task"),
        on_delete=models.CASCADE,
        related_name="work_items",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    due_date = models.DateField(_("due date"))
    history = HistoricalRecords()

    scope = Scope(org_path="key_task__plan__organization__path", shared_down=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["key_task__number", "year", "pk"]

    def __str__(self) -> str:
        return self.title


class Assignment(TimeStampedModel):
    """A work item given to an organisation, as its lead (牵头) or a supporting unit (配合)."""

    work_item = models.ForeignKey(
        WorkItem, verbose_name=_("work item"), on_delete=models.CASCADE, related_name="assignments"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    indicators = models.ManyToManyField(
        "plan.Indicator",
        verbose_name=_("indicators reported"),
        blank=True,
        related_name="assignments",
    )
    history = HistoricalRecords(m2m_fields=[indicators])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["work_item", "role", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["work_item", "organization"], name="assignment_unique"),
            models.UniqueConstraint(
                fields=["work_item"], condition=Q(role="lead"), name="assignment_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_item} · {self.organization} · {self.get_role_display()}"


class ProgressReport(models.Model):
    """An organisation's report on one assignment for one period; corrections are new revisions."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    # The assignment's organisation, kept on the row so scoping and rollups need no join.
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    is_latest = models.BooleanField(_("latest revision"), default=True)
    state = models.CharField(
        _("review state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    nothing_to_report = models.BooleanField(_("nothing to report this period"), default=False)
    percent_complete = models.DecimalField(
        _("percent complete"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    progress_status = models.CharField(
        _("progress"), max_length=12, choices=ProgressStatus.choices, blank=True
    )
    narrative = models.TextField(_("progress made"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period__starts_on", "assignment", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "period", "revision"], name="report_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["assignment", "period"],
                condition=Q(is_latest=True),
                name="report_one_latest",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "period"], name="report_org_period"),
            # scoped lists page by id within an organisation's reports (see make bench)
            models.Index(fields=["organization", "id"], name="report_org_id"),
            models.Index(fields=["state", "is_latest"], name="report_state"),
            # the review queue: the reports waiting for review in the reviewer's subtree
            models.Index(
                fields=["organization", "id"],
                condition=models.Q(state="submitted", is_latest=True),
                name="report_waiting_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment.work_item} · {self.period} · r{self.revision}"

    @property
    def editable(self) -> bool:
        return self.is_latest and self.state in (ReportState.DRAFT, ReportState.RETURNED)


class Evidence(models.Model):
    """A file attached to a report, with the SHA-256 it had when it was uploaded."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    scope = Scope(org_path="report__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name it is offered for download under, with the extension of its real type."""
        from .evidence import evidence_download_name

        return evidence_download_name(self.original_name, self.content_type)


class FigureField(models.DecimalField):
    """A DecimalField that reads back a number beyond its precision instead of failing the whole
    query. PostgreSQL refuses such a number on the way in; SQLite keeps whatever it is given,
    and Django would then raise on every read of the row, taking every page and list that
    touches it down. tasks.plausibility refuses such numbers before they are stored; this keeps
    a row that holds one anyway readable, so it can be seen and corrected."""

    READ_PRECISION = 400  # digits: enough for any float SQLite can hold, quantized to 6 places

    @cached_property
    def context(self):
        # used by the database's converter when the value is read
        return decimal.Context(prec=self.READ_PRECISION)

    def to_python(self, value):
        if isinstance(value, float):  # as DecimalField does, at the column's own precision
            return super().to_python(decimal.Context(prec=self.max_digits).create_decimal(value))
        return super().to_python(value)


class IndicatorValue(models.Model):
    """An organisation's actual value of an indicator for a period, reported with a report."""

    indicator = models.ForeignKey(
        "plan.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    value = FigureField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = FigureField(_("numerator"), max_digits=20, decimal_places=6, null=True, blank=True)
    denominator = FigureField(
        _("denominator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    # what tasks.plausibility found unusual when the value was saved: [{"code": …, params}]
    flags = models.JSONField(_("plausibility warnings"), default=list, blank=True)
    explanation = models.TextField(_("explanation of an unusual value"), blank=True)
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicator_values",
    )
    state = models.CharField(
        _("review state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # flags are derived from the figures (and worded when shown); the explanation is kept
    history = HistoricalRecords(excluded_fields=["updated_at", "flags"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "period", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organization", "period"], name="indicator_value_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "period"], name="value_org_period")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.organization} · {self.period}"

    @cached_property
    def is_ratio(self) -> bool:
        return self.indicator.aggregation == "ratio"


class IndicatorRule(models.Model):
    """How plausible an indicator's values must be, set by the plan's administrators. Empty
    fields take the defaults of the indicator's unit (see tasks.plausibility)."""

    indicator = models.OneToOneField(
        "plan.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="rule",
    )
    # hard rules: a value outside them is refused
    minimum = models.DecimalField(
        _("lowest possible value"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Empty: 0 for a percentage, none otherwise (negative values are refused)."),
    )
    maximum = models.DecimalField(
        _("highest possible value"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Empty: 100 for a percentage, none otherwise."),
    )
    allow_negative = models.BooleanField(
        _("negative values possible"),
        default=False,
        help_text=_("For changes and balances; counts and shares are never negative."),
    )
    numerator_may_exceed_denominator = models.BooleanField(
        _("numerator may exceed the denominator"),
        default=False,
        help_text=_("Only for ratios that are not shares of a whole."),
    )
    # soft rules: a value outside them is flagged and needs an explanation to be submitted
    expected_min = models.DecimalField(
        _("lowest expected value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    expected_max = models.DecimalField(
        _("highest expected value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_change = models.DecimalField(
        _("largest expected change against the previous period (%)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Empty: 50 %."),
    )

    class Meta:
        verbose_name = _("plausibility rule")
        verbose_name_plural = _("plausibility rules")
        ordering = ["indicator"]

    def __str__(self) -> str:
        return str(self.indicator)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        pairs = (("minimum", "maximum"), ("expected_min", "expected_max"))
        for low, high in pairs:
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise ValidationError({high: _("This must not be below the lower bound.")})


class ReminderLog(models.Model):
    """A reminder e-mail sent to a user on one day: at most one per user and day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    date = models.DateField(_("date"))
    email = models.EmailField(_("sent to"))
    overdue = models.PositiveIntegerField(_("overdue reports"), default=0)
    due_soon = models.PositiveIntegerField(_("reports due within 7 days"), default=0)
    # [assignment id, period id] of every report the e-mail named
    items = models.JSONField(_("reports named"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-date", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.user} · {self.email}"


class RollupSettings(models.Model):
    """How a plan's progress rolls up: assignment weights by role and the status thresholds."""

    plan = models.OneToOneField(
        "plan.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="rollup_settings",
    )
    lead_weight = models.DecimalField(
        _("weight of the lead organisation"),
        max_digits=6,
        decimal_places=2,
        default=2,
        validators=[MinValueValidator(0)],
    )
    supporting_weight = models.DecimalField(
        _("weight of a supporting organisation"),
        max_digits=6,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    at_risk_gap = models.DecimalField(
        _("points behind schedule that make work at risk"),
        max_digits=5,
        decimal_places=2,
        default=10,
    )
    delayed_gap = models.DecimalField(
        _("points behind schedule that make work delayed"),
        max_digits=5,
        decimal_places=2,
        default=25,
    )

    class Meta:
        verbose_name = _("rollup settings")
        verbose_name_plural = _("rollup settings")

    def __str__(self) -> str:
        return str(self.plan)


class RollupLevel(models.TextChoices):
    ASSIGNMENT = "assignment", _("Assignment")
    WORK_ITEM = "work_item", _("Work item")
    KEY_TASK = "key_task", _("Key task")
    GROUP = "group", _("Task group")
    PLAN = "plan", _("Plan")


class RollupStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")


class ProgressRollup(models.Model):
    """The progress of one subject (assignment … plan) in one period, for all organisations
    (org_key 0) or for one organisation's subtree (org_key = its id): a snapshot that explains
    itself."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("level"), max_length=12, choices=RollupLevel.choices)
    subject_id = models.BigIntegerField(_("subject"))
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # organization_id, or 0 for all organisations: NULL would not be unique in the constraint
    org_key = models.BigIntegerField(_("organisation key"), default=0)
    progress = models.DecimalField(
        _("progress"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    expected_progress = models.DecimalField(
        _("expected progress"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=RollupStatus.choices, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=2, default=1)
    reported = models.PositiveIntegerField(_("reported"), default=0)
    expected = models.PositiveIntegerField(_("expected"), default=0)
    missing = models.JSONField(_("missing organisations"), default=list)
    explanation = models.JSONField(_("explanation"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(_("stale"), default=False)
    stale_since = models.DateTimeField(_("stale since"), null=True, blank=True)

    # an organisation's subtree figures (and an assignment's) within that subtree; the figures
    # for all organisations like the plan they belong to
    scope = Scope(org_path="organization__path", whole_path="period__plan__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress rollup")
        verbose_name_plural = _("progress rollups")
        ordering = ["period", "level", "subject_id", "org_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "level", "subject_id", "org_key"], name="progress_rollup_unique"
            ),
        ]
        indexes = [models.Index(fields=["level", "subject_id"], name="progress_rollup_subject")]

    def __str__(self) -> str:
        return f"{self.level} {self.subject_id} · {self.period_id} · {self.org_key}"


class IndicatorRollup(models.Model):
    """An indicator's value in one period, for all organisations (org_key 0) or one
    organisation's subtree, aggregated by the indicator's own method."""

    indicator = models.ForeignKey(
        "plan.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    org_key = models.BigIntegerField(_("organisation key"), default=0)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    # the sum of the values counted (mean = total / reported): a parent adds its children's up
    total = models.DecimalField(_("total"), max_digits=24, decimal_places=6, null=True, blank=True)
    reported = models.PositiveIntegerField(_("reported"), default=0)
    expected = models.PositiveIntegerField(_("expected"), default=0)
    missing = models.JSONField(_("missing organisations"), default=list)
    method = models.CharField(_("method"), max_length=16)
    explanation = models.JSONField(_("explanation"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    stale = models.BooleanField(_("stale"), default=False)
    stale_since = models.DateTimeField(_("stale since"), null=True, blank=True)

    # an organisation's subtree figures (and an assignment's) within that subtree; the figures
    # for all organisations like the plan they belong to
    scope = Scope(org_path="organization__path", whole_path="period__plan__organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator rollup")
        verbose_name_plural = _("indicator rollups")
        ordering = ["period", "indicator", "org_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "org_key"], name="indicator_rollup_unique"
            ),
        ]
        indexes = [models.Index(fields=["period", "org_key"], name="indicator_rollup_org")]

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.period_id} · {self.org_key}"


class RollupRequest(models.Model):
    """Outbox: a chain or a period to recompute, written in the transaction that changed its
    inputs and published to the broker after commit (or by the relay job when the broker was
    down)."""

    # a report's chain (work item set), one indicator fed by a register (indicator set), or the
    # whole period (neither: its work items, assignments, indicators or the tree changed)
    work_item = models.ForeignKey(
        WorkItem,
        verbose_name=_("work item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    indicator = models.ForeignKey(
        "plan.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("rollup request")
        verbose_name_plural = _("rollup requests")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["published_at"], name="rollup_request_pending")]

    def __str__(self) -> str:
        subject = self.work_item_id or (
            f"indicator {self.indicator_id}" if self.indicator_id else "period"
        )
        return f"{subject} · {self.period_id} · {self.organization_id}"
