"""An indicator's path from baseline to target, and its status against the path."""

import datetime as dt
from decimal import Decimal

from dashboard.choices import PathStatus
from dashboard.paths import Thresholds, expected_value, path_status
from plan.models import Indicator


def literacy(**overrides) -> Indicator:
    values = dict(
        baseline=Decimal("5.95"),
        baseline_year=2020,
        target=Decimal(10),
        target_year=2025,
        comparison="gte",
        unit="%",
    )
    return Indicator(**{**values, **overrides})


def test_the_path_is_interpolated_between_baseline_and_target():
    ind = literacy()
    assert expected_value(ind, dt.date(2020, 12, 31)) == Decimal("5.95")
    assert expected_value(ind, dt.date(2024, 12, 31)).quantize(Decimal("0.01")) == Decimal("9.19")
    assert expected_value(ind, dt.date(2025, 12, 31)) == Decimal(10)
    assert expected_value(ind, dt.date(2027, 6, 30)) == Decimal(10)  # held at the target
    assert expected_value(ind, dt.date(2019, 6, 30)) == Decimal("5.95")  # and at the baseline
    mid = expected_value(ind, dt.date(2023, 6, 30))
    assert Decimal("7.57") < mid < Decimal("8.38")
    assert expected_value(literacy(baseline=None, baseline_year=None), dt.date(2024, 1, 1)) is None


def test_status_against_the_path_with_configurable_thresholds():
    ind, end_2024 = literacy(), dt.date(2024, 12, 31)
    default = Thresholds()
    assert path_status(ind, Decimal("9.5"), end_2024, default)[0] == PathStatus.ON_TRACK
    status, shortfall = path_status(ind, Decimal("8.42"), end_2024, default)
    assert status == PathStatus.AT_RISK and shortfall == Decimal("19.02")
    assert path_status(ind, Decimal("7"), end_2024, default)[0] == PathStatus.OFF_TRACK
    assert path_status(ind, Decimal("10.2"), end_2024, default)[0] == PathStatus.ACHIEVED
    assert path_status(ind, None, end_2024, default)[0] == PathStatus.NO_DATA
    lenient = Thresholds(Decimal(20), Decimal(40))
    assert path_status(ind, Decimal("8.42"), end_2024, lenient)[0] == PathStatus.ON_TRACK


def test_at_most_indicators_and_those_without_a_baseline():
    lower = literacy(baseline=Decimal(30), target=Decimal(20), comparison="lte")
    end_2024 = dt.date(2024, 12, 31)  # path: 22
    assert path_status(lower, Decimal("21"), end_2024, Thresholds())[0] == PathStatus.ON_TRACK
    assert path_status(lower, Decimal("25"), end_2024, Thresholds())[0] == PathStatus.OFF_TRACK
    assert path_status(lower, Decimal("19"), end_2024, Thresholds())[0] == PathStatus.ACHIEVED
    council = literacy(baseline=None, baseline_year=None, target=Decimal("66.7"))
    assert path_status(council, Decimal(60), end_2024, Thresholds())[0] == PathStatus.NO_PATH
    final = path_status(council, Decimal(60), dt.date(2025, 12, 31), Thresholds())
    assert final[0] == PathStatus.AT_RISK  # 6.7 short of 66.7: 10%
