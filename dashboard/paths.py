"""An indicator's path from its baseline to its target, and where an actual value stands on it.

The path is a straight line from the baseline (at the end of the baseline year) to the target (at
the end of the target year): science literacy 5.95% at the end of 2020 → 10% at the end of 2025
expects 9.19% at the end of 2024. The shortfall of the actual value behind the value expected for
a period's end is measured as a percentage of the planned change (baseline → target), so one pair
of thresholds (PathSettings, per plan) serves indicators of any scale. An indicator without a
baseline has no path: it is only judged in its target year, against the target itself.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from plan.choices import Comparison

from .choices import PathStatus

DEFAULT_AT_RISK = Decimal(10)
DEFAULT_OFF_TRACK = Decimal(25)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Thresholds:
    at_risk: Decimal = DEFAULT_AT_RISK
    off_track: Decimal = DEFAULT_OFF_TRACK

    @classmethod
    def of(cls, settings) -> "Thresholds":
        if settings is None:
            return cls()
        return cls(settings.at_risk_shortfall, settings.off_track_shortfall)


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def expected_value(indicator, on: dt.date) -> Decimal | None:
    """The value the path expects on `on`: interpolated between baseline and target, held at
    the baseline before it and at the target after it; None without a baseline."""
    if indicator.baseline is None or indicator.baseline_year is None:
        return None
    start, end = _year_end(indicator.baseline_year), _year_end(indicator.target_year)
    if end <= start:
        return Decimal(indicator.target)
    fraction = Decimal((on - start).days) / Decimal((end - start).days)
    fraction = min(Decimal(1), max(Decimal(0), fraction))
    baseline, target = Decimal(indicator.baseline), Decimal(indicator.target)
    return baseline + (target - baseline) * fraction


def reached(indicator, actual: Decimal) -> bool:
    if indicator.comparison == Comparison.AT_MOST:
        return actual <= indicator.target
    return actual >= indicator.target


def shortfall_percent(indicator, actual: Decimal, expected: Decimal) -> Decimal:
    """How far `actual` lags `expected`, in % of the planned change (of the target without a
    baseline); negative when ahead of the path."""
    behind = actual - expected if indicator.comparison == Comparison.AT_MOST else expected - actual
    if indicator.baseline is not None:
        scale = abs(Decimal(indicator.target) - Decimal(indicator.baseline))
    else:
        scale = abs(Decimal(indicator.target))
    scale = scale or Decimal(1)
    return behind * 100 / scale


def path_status(
    indicator, actual, on: dt.date, thresholds: Thresholds, *, complete: bool = True
) -> tuple[str, Decimal | None]:
    """(status, shortfall in %) of an actual value on a date; a target reached while some
    units expected to report have not is only provisional (`complete` False)."""
    if actual is None:
        return PathStatus.NO_DATA, None
    actual = Decimal(actual)
    if reached(indicator, actual):
        return (PathStatus.ACHIEVED if complete else PathStatus.PROVISIONAL), None
    expected = expected_value(indicator, on)
    if expected is None:
        if on >= _year_end(indicator.target_year):
            expected = Decimal(indicator.target)
        else:
            return PathStatus.NO_PATH, None
    shortfall = shortfall_percent(indicator, actual, expected)
    if shortfall < thresholds.at_risk:
        status = PathStatus.ON_TRACK
    elif shortfall < thresholds.off_track:
        status = PathStatus.AT_RISK
    else:
        status = PathStatus.OFF_TRACK
    return status, shortfall.quantize(CENT)


# Verdicts from the furthest from the target to the target reached.
VERDICT_ORDER = [
    PathStatus.OFF_TRACK,
    PathStatus.AT_RISK,
    PathStatus.ON_TRACK,
    PathStatus.NO_PATH,
    PathStatus.NO_DATA,
    PathStatus.PROVISIONAL,
    PathStatus.ACHIEVED,
]


def combined_status(verdicts) -> tuple[str, Decimal | None]:
    """The verdict on a target measured by several figures, an indicator and its parts (task
    14: the councils' share and the standing councils' share, both ≥ ⅔): reached only when
    every figure reaches its own target, else the verdict of the figure furthest from it (the
    larger shortfall of two alike). `verdicts` are (status, shortfall) pairs, as path_status
    gives them."""
    verdicts = list(verdicts)
    return min(verdicts, key=lambda v: (VERDICT_ORDER.index(v[0]), -(v[1] or 0)))


def target_status(
    indicator, actual, on: dt.date, thresholds: Thresholds, parts=(), *, complete: bool = True
) -> tuple[str, Decimal | None]:
    """(status, shortfall) of an indicator whose parts have the values given as
    [(part, actual)] or [(part, actual, complete)]: path_status of each figure (a target
    reached without full coverage only provisional), combined (see combined_status)."""
    own = path_status(indicator, actual, on, thresholds, complete=complete)
    return combined_status(
        [
            own,
            *(
                path_status(p[0], p[1], on, thresholds, complete=p[2] if len(p) > 2 else True)
                for p in parts
            ),
        ]
    )


def path_years(indicator, plan) -> list[int]:
    """The years the path is drawn over: from the baseline year (or the year before the plan)
    to the later of the target year and the plan's last year."""
    first = indicator.baseline_year or plan.start_year - 1
    first = min(first, plan.start_year - 1)
    last = max(indicator.target_year, plan.end_year)
    return list(range(first, last + 1))
