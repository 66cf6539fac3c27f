"""Plausibility of indicator values: the one place that decides which figures can be stored
(hard rules), which are unusual enough to be explained before a report is submitted (soft rules,
after DHIS2's validation rules and min–max ranges), and which indicators a register feeds (so
nobody types them). Report forms, the API, the register feeds and the services all ask here.

Hard rules refuse the figure with a message naming the field: a value within the column's
precision, within the indicator's possible range (0–100 for a percentage unless its rule says
otherwise), no negative counts, a ratio's denominator above zero and its numerator not above
the denominator unless the indicator's rule allows it.

Soft rules flag a stored value: outside the indicator's expected range, or changed by more than
a share (50 % unless the rule says otherwise) against the organisation's approved value of the
period before. A flagged value can be saved; it can be submitted only with an explanation, which
the reviewer sees beside the flag.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plan.models import Indicator

from .choices import ReportState

MAX_DIGITS, DECIMAL_PLACES = 20, 6  # IndicatorValue's columns
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)  # |figure| must stay below this
SIX_PLACES = Decimal(1).scaleb(-DECIMAL_PLACES)
DEFAULT_MAX_CHANGE = Decimal(50)  # % against the previous period
FIGURES = ("value", "numerator", "denominator")


# ---- register feeds --------------------------------------------------------------------------

_FEEDS: dict[str, object] = {}


def register_feed(code: str, source) -> None:
    """Declare that a register feeds the indicator with this code (in every plan); `source` says
    where its values come from, as the report form shows it. Called from the apps' ready()."""
    _FEEDS[code] = source


def feed_source(indicator: Indicator) -> str | None:
    """Where the indicator's values come from when a register feeds them, else None."""
    source = _FEEDS.get(indicator.code)
    return None if source is None else str(source)


# ---- the rules of an indicator ---------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    minimum: Decimal | None
    maximum: Decimal | None
    allow_negative: bool
    numerator_may_exceed_denominator: bool
    expected_min: Decimal | None
    expected_max: Decimal | None
    max_change: Decimal | None


def is_percentage(indicator: Indicator) -> bool:
    return indicator.unit.strip() in ("%", "％")


def rules_for(indicator: Indicator) -> Rules:
    """The indicator's rules: its administrators' (IndicatorRule), the unit's defaults where
    they left a field empty."""
    from .models import IndicatorRule

    try:
        rule = indicator.rule
    except IndicatorRule.DoesNotExist:
        rule = IndicatorRule(indicator=indicator)
    percentage = is_percentage(indicator)
    minimum = rule.minimum
    if minimum is None and not rule.allow_negative:
        minimum = Decimal(0)
    maximum = rule.maximum
    if maximum is None and percentage:
        maximum = Decimal(100)
    return Rules(
        minimum=minimum,
        maximum=maximum,
        allow_negative=rule.allow_negative,
        numerator_may_exceed_denominator=rule.numerator_may_exceed_denominator,
        expected_min=rule.expected_min,
        expected_max=rule.expected_max,
        max_change=DEFAULT_MAX_CHANGE if rule.max_change is None else rule.max_change,
    )


def describe_rules(indicator: Indicator) -> str:
    """The rules in force, in words (for the administrators' list)."""
    rules = rules_for(indicator)
    low = "…" if rules.minimum is None else show(rules.minimum)
    high = "…" if rules.maximum is None else show(rules.maximum)
    parts = [_("possible %(low)s–%(high)s") % {"low": low, "high": high}]
    if rules.expected_min is not None or rules.expected_max is not None:
        parts.append(
            _("expected %(low)s–%(high)s")
            % {
                "low": "…" if rules.expected_min is None else show(rules.expected_min),
                "high": "…" if rules.expected_max is None else show(rules.expected_max),
            }
        )
    if rules.max_change is not None:
        parts.append(_("change at most %(share)s%%") % {"share": show(rules.max_change)})
    return "; ".join(parts)


def show(figure: Decimal) -> str:
    text = f"{figure:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---- hard rules ------------------------------------------------------------------------------


def _fits(figure: Decimal) -> bool:
    """Whether the figure is a finite number the columns can hold (six decimal places)."""
    try:
        return figure.is_finite() and abs(figure) < LIMIT and figure == figure.quantize(SIX_PLACES)
    except InvalidOperation:
        return False


def derived_value(indicator: Indicator, numerator: Decimal, denominator: Decimal) -> Decimal:
    """A ratio indicator's value (×100 for a percentage), rounded to the column's six places."""
    value = _decimal(numerator) / _decimal(denominator)
    if is_percentage(indicator):
        value *= 100
    return value.quantize(SIX_PLACES, context=Context(prec=400))


def _decimal(figure) -> Decimal | None:
    if figure is None or isinstance(figure, Decimal):
        return figure
    try:
        return Decimal(str(figure))
    except InvalidOperation:
        return Decimal("NaN")


def hard_errors(
    indicator: Indicator, *, value=None, numerator=None, denominator=None, rules=None
) -> dict[str, str]:
    """What makes these figures impossible for the indicator: {field: message}, empty when they
    can be stored. A ratio indicator takes numerator and denominator, any other a value."""
    rules = rules or rules_for(indicator)
    figures = {
        "value": _decimal(value),
        "numerator": _decimal(numerator),
        "denominator": _decimal(denominator),
    }
    errors = {
        name: _(
            "Give a number with at most %(whole)s digits before the decimal point and "
            "%(places)s after it."
        )
        % {"whole": MAX_DIGITS - DECIMAL_PLACES, "places": DECIMAL_PLACES}
        for name, figure in figures.items()
        if figure is not None and not _fits(figure)
    }
    if errors:
        return errors
    value, numerator, denominator = (figures[n] for n in FIGURES)
    field = "value"
    if indicator.aggregation == "ratio":
        field = "numerator"
        if numerator is None and denominator is None:
            return {}
        if numerator is None:
            return {"numerator": _("Give the numerator as well as the denominator.")}
        if denominator is None:
            return {"denominator": _("Give the denominator as well as the numerator.")}
        if denominator <= 0:
            return {"denominator": _("The denominator must be greater than zero.")}
        if numerator < 0 and not rules.allow_negative:
            return {"numerator": _("The numerator cannot be negative.")}
        if numerator > denominator and not rules.numerator_may_exceed_denominator:
            return {
                "numerator": _(
                    "The numerator (%(numerator)s) cannot be greater than the denominator "
                    "(%(denominator)s)."
                )
                % {"numerator": show(numerator), "denominator": show(denominator)}
            }
        value = numerator / denominator * (100 if is_percentage(indicator) else 1)
        if not abs(value) < LIMIT:
            return {
                "denominator": _(
                    "The numerator divided by the denominator is too large to be a value of "
                    "this indicator."
                )
            }
    if value is None:
        return {}
    if value < 0 and not rules.allow_negative:
        return {field: _("The value cannot be negative.")}
    low, high = rules.minimum, rules.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        return {field: _range_message(value, low, high, indicator.unit)}
    return {}


def _range_message(value: Decimal, low, high, unit: str) -> str:
    shown = {"value": show(value.quantize(SIX_PLACES)), "unit": unit}
    if low is not None and high is not None:
        return _(
            "%(value)s%(unit)s is impossible: the value must be between %(low)s and %(high)s."
        ) % {
            **shown,
            "low": show(low),
            "high": show(high),
        }
    if low is not None:
        return _("%(value)s%(unit)s is impossible: the value must be at least %(low)s.") % {
            **shown,
            "low": show(low),
        }
    return _("%(value)s%(unit)s is impossible: the value must be at most %(high)s.") % {
        **shown,
        "high": show(high),
    }


def read_only_error(indicator: Indicator) -> str | None:
    """Why nobody may type the indicator's value (a register feeds it), else None."""
    source = feed_source(indicator)
    if source is None:
        return None
    return _("%(indicator)s is not typed in: %(source)s.") % {
        "indicator": indicator.name,
        "source": source,
    }


# ---- soft rules ------------------------------------------------------------------------------


def previous_value(indicator: Indicator, organization_id: int, period):
    """The organisation's approved value of the indicator in the latest earlier period of the
    same kind, or None."""
    from .models import IndicatorValue

    return (
        IndicatorValue.objects.filter(
            indicator=indicator,
            organization_id=organization_id,
            period__plan_id=period.plan_id,
            period__kind=period.kind,
            period__starts_on__lt=period.starts_on,
            state=ReportState.APPROVED,
            value__isnull=False,
        )
        .select_related("period")
        .order_by("-period__starts_on")
        .first()
    )


def soft_flags(indicator: Indicator, value: Decimal | None, previous=None, rules=None) -> list:
    """What is unusual about a value that passed the hard rules: a list of flags (JSON, stored
    on the value; `flag_message` words them)."""
    if value is None:
        return []
    rules = rules or rules_for(indicator)
    flags = []
    low, high = rules.expected_min, rules.expected_max
    if (low is not None and value < low) or (high is not None and value > high):
        flags.append(
            {
                "code": "range",
                "value": show(value),
                "min": None if low is None else show(low),
                "max": None if high is None else show(high),
            }
        )
    if previous is not None and previous.value and rules.max_change is not None:
        change = (value - previous.value) / abs(previous.value) * 100
        if abs(change) > rules.max_change:
            flags.append(
                {
                    "code": "change",
                    "value": show(value),
                    "previous": show(previous.value),
                    "period": previous.period.label,
                    "change": show(change.quantize(Decimal("0.1"))),
                    "limit": show(rules.max_change),
                }
            )
    return flags


def flags_for(indicator: Indicator, organization_id: int, period, value) -> list:
    return soft_flags(indicator, value, previous_value(indicator, organization_id, period))


FLAG_MESSAGES: dict[str, Callable[[dict], str]] = {
    "range": lambda f: (
        _("%(value)s is outside the expected range %(min)s–%(max)s.")
        % {"value": f["value"], "min": f["min"] or "…", "max": f["max"] or "…"}
    ),
    "change": lambda f: (
        _(
            "%(value)s changed by %(change)s%% against %(previous)s in %(period)s "
            "(more than %(limit)s%%)."
        )
        % f
    ),
}


def flag_message(flag: dict) -> str:
    """A stored flag in words."""
    word = FLAG_MESSAGES.get(flag.get("code"))
    try:
        return word(flag) if word else str(flag.get("code", ""))
    except (KeyError, TypeError):
        return str(flag.get("code", ""))


def flag_messages(flags) -> list[str]:
    return [flag_message(f) for f in flags or ()]


EXPLANATION_NEEDED = gettext_lazy(
    "%(indicator)s: %(flags)s Explain this value before you submit the report."
)


def explanation_needed(indicator: Indicator, flags) -> str:
    return EXPLANATION_NEEDED % {
        "indicator": indicator.name,
        "flags": " ".join(flag_messages(flags)),
    }
