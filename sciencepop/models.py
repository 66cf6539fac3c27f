"""The science-popularisation registers: literacy survey results, venues, science bases, events."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.choices import OrganizationKind
from qhsta.models import TimeStampedModel
from qhsta.scoping import Scope, ScopedQuerySet

from .choices import BaseLevel, EventKind, VenueKind, VenueStatus

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.0001")


class LiteracySurvey(TimeStampedModel):
    """A prefecture's result of the citizens' science-literacy survey (公民科学素质调查) for a year,
    with the population it stands for (the weight of the province's rate)."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("prefecture"),
        on_delete=models.PROTECT,
        related_name="literacy_surveys",
    )
    year = models.PositiveSmallIntegerField(
        _("survey year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    sample_size = models.PositiveIntegerField(
        _("people surveyed"),
        null=True,
        blank=True,
        help_text=_("The sample as the survey reports it; leave empty when only a rate is given."),
    )
    sample_literate = models.PositiveIntegerField(
        _("of whom scientifically literate"), null=True, blank=True
    )
    reported_rate = models.DecimalField(
        _("reported rate (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The published rate, when the survey gives a rate rather than its sample."),
    )
    population = models.PositiveIntegerField(
        _("population represented"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "Residents aged 18–69 the prefecture's result stands for (people); the province's "
            "rate weights each prefecture by it."
        ),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("science-literacy survey result")
        verbose_name_plural = _("science-literacy survey results")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="literacy_survey_unique"),
            models.CheckConstraint(
                condition=Q(sample_literate__isnull=True)
                | Q(sample_size__isnull=False, sample_literate__lte=models.F("sample_size")),
                name="literacy_sample_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year}"

    def clean(self) -> None:
        errors = {}
        if self.organization_id and self.organization.kind != OrganizationKind.PREFECTURE_STA:
            errors["organization"] = _("Survey results are entered per prefecture.")
        sample = self.sample_size is not None or self.sample_literate is not None
        if sample and (self.sample_size is None or self.sample_literate is None):
            errors["sample_literate"] = _(
                "Give both the people surveyed and how many of them are literate."
            )
        elif sample and self.sample_size == 0:
            errors["sample_size"] = _("The sample cannot be empty.")
        elif sample and self.sample_literate > self.sample_size:
            errors["sample_literate"] = _("More literate people than people surveyed.")
        if not sample and self.reported_rate is None:
            errors["reported_rate"] = _("Give the survey's sample or its reported rate.")
        if sample and self.reported_rate is not None and self.sample_size:
            computed = self.sample_rate
            if abs(computed - self.reported_rate) > Decimal("0.05"):
                errors["reported_rate"] = _(
                    "The reported rate differs from the sample's (%(rate)s %%); give one of them."
                ) % {"rate": computed.quantize(Decimal("0.01"))}
        if errors:
            raise ValidationError(errors)

    @property
    def sample_rate(self) -> Decimal:
        return (HUNDRED * self.sample_literate / self.sample_size).quantize(RATE_PLACES)

    @property
    def rate(self) -> Decimal | None:
        """The prefecture's rate in %: from the sample when there is one, else as reported."""
        if self.sample_size:
            return self.sample_rate
        return self.reported_rate

    @property
    def literate_population(self) -> Decimal | None:
        """The population-weighted numerator: literate residents the result stands for."""
        rate = self.rate
        return None if rate is None else (rate * self.population / HUNDRED)


class Venue(TimeStampedModel):
    """A science venue (科技馆 and others) in a county."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="science_venues",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=VenueKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=VenueStatus.choices, default=VenueStatus.OPEN
    )
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("science venue")
        verbose_name_plural = _("science venues")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="venue_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.organization_id and self.organization.kind != OrganizationKind.COUNTY_STA:
            raise ValidationError({"organization": _("A venue belongs to a county.")})
        if self.status == VenueStatus.OPEN and self.opened_on is None:
            raise ValidationError({"opened_on": _("An open venue needs its opening date.")})

    def covers(self, year: int) -> bool:
        """Whether the venue counted as open in its county at the end of `year`."""
        return (
            self.status == VenueStatus.OPEN
            and self.opened_on is not None
            and self.opened_on.year <= year
        )


class ScienceBase(TimeStampedModel):
    """A science-popularisation education base (科普教育基地) recognised at some level."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organisation responsible"),
        on_delete=models.PROTECT,
        related_name="science_bases",
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=BaseLevel.choices)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    recognised_year = models.PositiveSmallIntegerField(
        _("year recognised"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    valid_until = models.PositiveSmallIntegerField(
        _("recognised until (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("science-popularisation base")
        verbose_name_plural = _("science-popularisation bases")
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="science_base_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_until and self.recognised_year and self.valid_until < self.recognised_year:
            raise ValidationError(
                {"valid_until": _("The recognition cannot end before it was given.")}
            )


class ScienceEvent(TimeStampedModel):
    """A science-popularisation activity and the people it reached."""

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="science_events",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    base = models.ForeignKey(
        ScienceBase,
        verbose_name=_("held at base"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("attendance (people)"), default=0)
    online_views = models.PositiveIntegerField(_("online views"), default=0)
    bilingual = models.BooleanField(_("Chinese–Tibetan bilingual"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("science-popularisation event")
        verbose_name_plural = _("science-popularisation events")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="science_event_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The event cannot end before it starts.")})
