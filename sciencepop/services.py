"""Writes for science popularisation: survey results and venues feed the plan's indicators."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.choices import OrganizationKind
from orgs.models import Organization
from plan.models import Indicator, Plan
from qhsta.scoping import Action, user_can
from tasks.rollups.feeds import feed_period, indicator_feed, indicator_feed_clear

from .models import LiteracySurvey, ScienceBase, ScienceEvent, Venue

LITERACY_INDICATOR = "science-literacy-rate"
COVERAGE_INDICATOR = "county-venue-coverage"

SURVEY_FIELDS = ("sample_size", "sample_literate", "reported_rate", "population", "source", "notes")
VENUE_FIELDS = ("name", "kind", "status", "opened_on", "floor_area", "address", "notes")
BASE_FIELDS = ("name", "level", "theme", "recognised_year", "valid_until", "is_active")
EVENT_FIELDS = (
    "title",
    "kind",
    "base",
    "starts_on",
    "ends_on",
    "location",
    "attendance",
    "online_views",
    "bilingual",
    "notes",
)


def _require(user, organization: Organization, message: str) -> None:
    if not user_can(user, Action.REPORT, organization):
        raise PermissionDenied(message)


def _plans_over(organization: Organization, year: int | None = None) -> list[Plan]:
    """The plans whose issuing STA is the organisation or above it (running in `year`)."""
    plans = Plan.objects.select_related("organization")
    if year is not None:
        plans = plans.filter(start_year__lte=year, end_year__gte=year)
    return [p for p in plans if organization.path.startswith(p.organization.path)]


def _indicator(plan: Plan, code: str) -> Indicator | None:
    return Indicator.objects.filter(plan=plan, code=code).first()


# ---- literacy surveys ----------------------------------------------------------------------


def literacy_feed(organization: Organization, year: int, survey: LiteracySurvey | None) -> None:
    """The survey's population-weighted figures become the prefecture's value of the plan's
    literacy indicator for that year (or are withdrawn when the survey is gone)."""
    for plan in _plans_over(organization, year):
        indicator, period = _indicator(plan, LITERACY_INDICATOR), feed_period(plan, year)
        if indicator is None or period is None:
            continue
        source = f"sciencepop.LiteracySurvey {organization.code} {year}"
        if survey is None:
            indicator_feed_clear(
                indicator=indicator, organization=organization, period=period, source=source
            )
        else:
            indicator_feed(
                indicator=indicator,
                organization=organization,
                period=period,
                numerator=survey.literate_population,
                denominator=Decimal(survey.population),
                source=source,
            )


@transaction.atomic
def literacy_survey_save(
    *,
    actor,
    organization: Organization,
    year: int,
    survey: LiteracySurvey | None = None,
    **fields,
) -> LiteracySurvey:
    """Create or change a prefecture's survey result; the plan's literacy indicator follows."""
    message = _("You may not enter survey results for %(org)s.") % {"org": organization}
    _require(actor, organization, message)
    if survey is not None:
        _require(actor, survey.organization, message)
    before = (survey.organization, survey.year) if survey is not None and survey.pk else None
    row = survey or LiteracySurvey()
    row.organization, row.year = organization, year
    for name in SURVEY_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    clash = LiteracySurvey.objects.filter(organization=organization, year=year).exclude(pk=row.pk)
    if clash.exists():
        raise ValidationError(
            {
                "year": _("%(org)s already has a result for %(year)s.")
                % {"org": organization, "year": year}
            }
        )
    row.full_clean()
    row._history_user = actor
    row.save()
    if before is not None and before != (organization, year):
        literacy_feed(before[0], before[1], None)
    literacy_feed(organization, year, row)
    return row


@transaction.atomic
def literacy_survey_delete(*, actor, survey: LiteracySurvey) -> None:
    """Remove a survey result and withdraw its figure from the indicator."""
    _require(actor, survey.organization, _("You may not remove this survey result."))
    organization, year = survey.organization, survey.year
    survey._history_user = actor
    survey.delete()
    literacy_feed(organization, year, None)


# ---- venues and county coverage ------------------------------------------------------------


def venue_coverage_feed(*, county: Organization, today: dt.date | None = None) -> int:
    """Feed one county's coverage (1 of 1 with an open venue, else 0 of 1) for every year of each
    plan up to this year; returns the number of values written or confirmed."""
    if county.kind != OrganizationKind.COUNTY_STA:
        return 0
    today = today or timezone.localdate()
    venues = list(Venue.objects.filter(organization=county))
    fed = 0
    for plan in _plans_over(county):
        indicator = _indicator(plan, COVERAGE_INDICATOR)
        if indicator is None:
            continue
        for year in range(plan.start_year, min(plan.end_year, today.year) + 1):
            period = feed_period(plan, year)
            if period is None:
                continue
            covered = any(v.covers(year) for v in venues)
            if not county.is_active:
                indicator_feed_clear(indicator=indicator, organization=county, period=period)
                continue
            indicator_feed(
                indicator=indicator,
                organization=county,
                period=period,
                numerator=1 if covered else 0,
                denominator=1,
                source=f"sciencepop.Venue coverage {county.code} {year}",
            )
            fed += 1
    return fed


def venue_coverage_feed_all(*, today: dt.date | None = None) -> int:
    """Every county's coverage (a county without any venue counts in the denominator too)."""
    fed = 0
    with transaction.atomic():
        for county in Organization.objects.filter(kind=OrganizationKind.COUNTY_STA):
            fed += venue_coverage_feed(county=county, today=today)
    return fed


@transaction.atomic
def venue_save(*, actor, organization: Organization, venue: Venue | None = None, **fields) -> Venue:
    """Create or change a county's science venue; the county's coverage follows."""
    message = _("You may not record venues of %(org)s.") % {"org": organization}
    _require(actor, organization, message)
    if venue is not None:
        _require(actor, venue.organization, message)
    before = venue.organization if venue is not None and venue.pk else None
    row = venue or Venue()
    row.organization = organization
    for name in VENUE_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    row.full_clean()
    row._history_user = actor
    row.save()
    venue_coverage_feed(county=organization)
    if before is not None and before.pk != organization.pk:
        venue_coverage_feed(county=before)
    return row


@transaction.atomic
def venue_delete(*, actor, venue: Venue) -> None:
    _require(actor, venue.organization, _("You may not remove this venue."))
    county = venue.organization
    venue._history_user = actor
    venue.delete()
    venue_coverage_feed(county=county)


# ---- bases and events ----------------------------------------------------------------------


@transaction.atomic
def science_base_save(
    *, actor, organization: Organization, base: ScienceBase | None = None, **fields
) -> ScienceBase:
    message = _("You may not record bases of %(org)s.") % {"org": organization}
    _require(actor, organization, message)
    if base is not None:
        _require(actor, base.organization, message)
    row = base or ScienceBase()
    row.organization = organization
    for name in BASE_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    row.full_clean()
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def science_event_save(
    *, actor, organization: Organization, event: ScienceEvent | None = None, **fields
) -> ScienceEvent:
    message = _("You may not record events of %(org)s.") % {"org": organization}
    _require(actor, organization, message)
    if event is not None:
        _require(actor, event.organization, message)
    row = event or ScienceEvent()
    row.organization = organization
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    if row.base_id and not user_can(actor, Action.VIEW, row.base):
        raise ValidationError({"base": _("Choose a base you can see.")})
    row.full_clean()
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def science_event_delete(*, actor, event: ScienceEvent) -> None:
    _require(actor, event.organization, _("You may not remove this event."))
    event._history_user = actor
    event.delete()


# ---- the portal-defined coverage indicator -------------------------------------------------


COVERAGE_DESCRIPTION = (
    "本平台定义的指标，不是规划文本中的量化指标：建有至少一个开放的科普场馆(科技馆等)的县(市、区)"
    "占全部县(市、区)的比例，由科普场馆登记自动计算(每个县计1个分母，有开放场馆计1个分子)。"
    "对应规划任务22“有条件的县(市、区)建设科技馆”的要求；目标值由平台管理员设定，可在管理后台修改。"
)


def coverage_indicator_ensure(
    *, plan: Plan, target: Decimal = Decimal(100)
) -> tuple[Indicator, bool]:
    """Create the portal-defined county venue coverage indicator of a plan if it is missing
    (never a headline indicator: the plan text does not quantify it)."""
    from plan.models import KeyTask

    existing = _indicator(plan, COVERAGE_INDICATOR)
    if existing is not None:
        return existing, False
    indicator = Indicator(
        plan=plan,
        code=COVERAGE_INDICATOR,
        name="建有科普场馆的县(市、区)比例(平台定义)",
        name_en="Share of counties with a science venue (defined in the portal)",
        unit="%",
        description=COVERAGE_DESCRIPTION,
        source_text="",
        key_task=KeyTask.objects.filter(plan=plan, number=22).first(),
        target=target,
        target_year=plan.end_year,
        comparison="gte",
        aggregation="ratio",
        reporting_kind=OrganizationKind.COUNTY_STA,
        is_headline=False,
    )
    indicator.full_clean()
    indicator.save()
    return indicator, True
