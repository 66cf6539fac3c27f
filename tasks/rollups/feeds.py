"""Indicator values fed by the portal's own registers (societies' councils, literacy surveys, …)
rather than typed into a report: stored as approved values of the organisation they describe,
and recomputed up the organisation tree through the same outbox as a report's approval."""

from decimal import Context, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs.models import Organization
from plan.models import Indicator, Plan

from .. import plausibility
from ..choices import PeriodKind, ReportState
from ..models import IndicatorValue, ReportingPeriod
from .outbox import rollup_enqueue

SIX_PLACES = Decimal("0.000001")


def feed_period(plan: Plan, year: int) -> ReportingPeriod | None:
    """The period a register's figure for `year` belongs to: the plan's annual period of that
    year, else the last of its periods ending in that year; None when the plan has none."""
    periods = ReportingPeriod.objects.filter(plan=plan, year=year)
    return (
        periods.filter(kind=PeriodKind.YEAR).first()
        or periods.filter(ends_on__year=year).order_by("-ends_on").first()
    )


def _figure(value) -> Decimal | None:
    """Six decimal places, as stored (any size: the plausibility rules judge the size)."""
    if value is None:
        return None
    return Decimal(value).quantize(SIX_PLACES, context=Context(prec=400))


@transaction.atomic
def indicator_feed(
    *,
    indicator: Indicator,
    organization: Organization,
    period: ReportingPeriod,
    value=None,
    numerator=None,
    denominator=None,
    source: str,
) -> IndicatorValue:
    """Store a register's figure as the organisation's approved value for the period (a ratio
    indicator takes numerator and denominator, any other a value) and queue the indicator's
    rollups for that organisation's ancestors. Unchanged figures write nothing; the register's
    figure replaces one typed into a report (the register is the record), with history."""
    if period.plan_id != indicator.plan_id:
        raise ValidationError(_("The period belongs to another plan than the indicator."))
    ratio = indicator.aggregation == "ratio"
    if ratio:
        if numerator is None or denominator is None:
            raise ValidationError(_("A ratio indicator needs a numerator and a denominator."))
        numerator, denominator = _figure(numerator), _figure(denominator)
    elif value is None:
        raise ValidationError(_("The indicator needs a value."))
    else:
        value = _figure(value)
    # the same rules as a typed value: a register cannot store what a report could not
    errors = plausibility.hard_errors(
        indicator, value=value, numerator=numerator, denominator=denominator
    )
    if errors:
        raise ValidationError(
            _("%(indicator)s cannot take the figure of %(source)s: %(reasons)s")
            % {"indicator": indicator.name, "source": source, "reasons": " ".join(errors.values())}
        )
    if ratio:
        value = plausibility.derived_value(indicator, numerator, denominator)
    figures = {
        "value": _figure(value),
        "numerator": _figure(numerator) if ratio else None,
        "denominator": _figure(denominator) if ratio else None,
    }
    current = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, organization=organization, period=period)
        .first()
    )
    if (
        current is not None
        and current.state == ReportState.APPROVED
        and current.report_id is None
        and all(getattr(current, name) == figure for name, figure in figures.items())
    ):
        return current
    row = current or IndicatorValue(indicator=indicator, organization=organization, period=period)
    for name, figure in figures.items():
        setattr(row, name, figure)
    row.state, row.report, row.updated_by = ReportState.APPROVED, None, None
    row._change_reason = source
    row.save()
    rollup_enqueue(None, period.pk, organization.pk, indicator_id=indicator.pk)
    return row


@transaction.atomic
def indicator_feed_clear(
    *, indicator: Indicator, organization: Organization, period: ReportingPeriod, source: str = ""
) -> bool:
    """Withdraw a register's figure (its records were deleted); returns whether one was there.
    A value typed into a report is not the register's to remove and stays."""
    row = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, organization=organization, period=period, report=None)
        .first()
    )
    if row is None:
        return False
    row._change_reason = source
    row.delete()
    rollup_enqueue(None, period.pk, organization.pk, indicator_id=indicator.pk)
    return True
