"""Reads for the science-popularisation pages: the literacy rate by year, venue coverage."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from orgs.choices import OrganizationKind
from orgs.models import Organization
from plan.models import Indicator, Plan
from qhsta.scoping import parent_path
from tasks.models import IndicatorRollup
from tasks.rollups.feeds import feed_period

from .choices import VenueStatus
from .models import LiteracySurvey, ScienceEvent, Venue
from .services import COVERAGE_INDICATOR, LITERACY_INDICATOR


@dataclass
class LiteracyYear:
    year: int
    surveys: list = field(default_factory=list)
    literate: Decimal = Decimal(0)
    population: int = 0
    official: Decimal | None = None  # the plan indicator's rollup for the whole province

    @property
    def rate(self) -> Decimal | None:
        """Σ literate population ÷ Σ population of the results shown (population-weighted)."""
        if not self.population:
            return None
        return (Decimal(100) * self.literate / self.population).quantize(Decimal("0.01"))


def _plan_indicator(user, code: str):
    plan = Plan.objects.restrict(user).current()
    if plan is None:
        return None, None
    return plan, Indicator.objects.restrict(user).filter(plan=plan, code=code).first()


def _official(plan, indicator, year: int) -> Decimal | None:
    if indicator is None:
        return None
    period = feed_period(plan, year)
    row = IndicatorRollup.objects.filter(indicator=indicator, period=period, org_key=0).first()
    return row and row.value


def literacy_summary(user) -> dict:
    """The survey results the user may see, by year, with the weighted rate of those results and
    the plan indicator's official province figure (the rollup)."""
    years: dict[int, LiteracyYear] = {}
    surveys = LiteracySurvey.objects.restrict(user).select_related("organization")
    for survey in surveys.order_by("-year", "organization__path"):
        entry = years.setdefault(survey.year, LiteracyYear(survey.year))
        entry.surveys.append(survey)
        entry.literate += survey.literate_population or 0
        entry.population += survey.population
    plan, indicator = _plan_indicator(user, LITERACY_INDICATOR)
    if plan is not None:
        for year in range(plan.start_year, plan.end_year + 1):
            official = _official(plan, indicator, year)
            if official is not None:
                years.setdefault(year, LiteracyYear(year)).official = official
    return {
        "years": sorted(years.values(), key=lambda y: -y.year),
        "plan": plan,
        "indicator": indicator,
    }


@dataclass
class CoverageRow:
    prefecture: Organization | None
    counties: int = 0
    covered: int = 0
    uncovered: list = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        if not self.counties:
            return None
        return (Decimal(100) * self.covered / self.counties).quantize(Decimal("0.1"))


def coverage_summary(user, year: int | None = None) -> dict:
    """Counties the user may see, by prefecture, and how many have an open science venue."""
    year = year or timezone.localdate().year
    counties = list(
        Organization.objects.restrict(user)
        .filter(kind=OrganizationKind.COUNTY_STA, is_active=True)
        .annotate(
            open_venues=Count(
                "science_venues",
                filter=Q(
                    science_venues__status=VenueStatus.OPEN,
                    science_venues__opened_on__year__lte=year,
                ),
            )
        )
    )
    parents = {
        o.path: o
        for o in Organization.objects.filter(path__in={parent_path(c.path) for c in counties})
    }
    rows: dict = defaultdict(lambda: None)
    total = CoverageRow(None)
    for county in counties:
        parent = parents.get(parent_path(county.path))
        row = rows[parent.pk if parent else 0] or CoverageRow(parent)
        rows[parent.pk if parent else 0] = row
        for target in (row, total):
            target.counties += 1
            if county.open_venues:
                target.covered += 1
            else:
                target.uncovered.append(county)
    plan, indicator = _plan_indicator(user, COVERAGE_INDICATOR)
    return {
        "rows": sorted(rows.values(), key=lambda r: r.prefecture.path if r.prefecture else ""),
        "total": total,
        "year": year,
        "official": _official(plan, indicator, year) if plan else None,
        "indicator": indicator,
    }


def event_summary(user, year: int | None = None) -> dict:
    year = year or timezone.localdate().year
    events = ScienceEvent.objects.restrict(user).filter(starts_on__year=year)
    totals = events.aggregate(
        events=Count("pk"), attendance=Sum("attendance"), online=Sum("online_views")
    )
    return {"year": year, **{k: v or 0 for k, v in totals.items()}}


def venue_list(queryset, *, q: str = "", status: str = ""):
    queryset = queryset.select_related("organization")
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(organization__name__icontains=q))
    if status:
        queryset = queryset.filter(status=status)
    return queryset


__all__ = ["Venue", "coverage_summary", "event_summary", "literacy_summary", "venue_list"]
