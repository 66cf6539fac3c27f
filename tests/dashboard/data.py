"""The data the dashboard tests read: the demo reports, the literacy survey's results as approved
indicator values, and every 2024–2025 quarter's rollups stored in full."""

from decimal import Decimal

from orgs.models import Organization
from plan.models import Indicator, Plan
from tasks.demo import demo_reports_load
from tasks.models import IndicatorValue, ReportingPeriod
from tasks.rollups.compute import rollup_full

# (people with basic science literacy, people surveyed) of each prefecture's fourth-quarter survey
SURVEY = {
    ("xining", 2024): (392, 4000),
    ("haixi", 2024): (246, 3000),
    ("haidong", 2024): (221, 3200),
    ("xining", 2025): (436, 4000),
    ("haixi", 2025): (279, 3000),
}


def build_rolled() -> tuple[Plan, dict]:
    demo_reports_load()
    plan = Plan.objects.get(code="qhsta-14th")
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["xining", "haixi", "haidong"])}
    periods = {
        (p.year, p.number): p
        for p in ReportingPeriod.objects.filter(plan=plan, kind="quarter", year__in=[2024, 2025])
    }
    for (code, year), (numerator, denominator) in SURVEY.items():
        IndicatorValue.objects.update_or_create(
            indicator=literacy,
            organization=orgs[code],
            period=periods[(year, 4)],
            defaults={
                "numerator": Decimal(numerator),
                "denominator": Decimal(denominator),
                "value": None,
                "state": "approved",
            },
        )
    for period in periods.values():
        rollup_full(plan, period)
    return plan, periods
