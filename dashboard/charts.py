"""The figures each chart draws, as plain data for json_script (static/js/dashboard.js draws them).

Every chart here takes the same rows its table beside it shows, so the two never disagree.
"""

from django.utils.translation import gettext as _


def _n(value):
    return None if value is None else float(value)


def _status(row) -> str:
    return row.status if row is not None else ""


def progress_chart(*, plan_row, elapsed) -> dict:
    """The plan's progress against the progress its schedule expects and the time gone by."""
    return {
        "type": "bars",
        "horizontal": True,
        "unit": "%",
        "max": 100,
        "categories": [_("Progress"), _("Expected by now"), _("Plan time elapsed")],
        "urls": [],
        "series": [
            {
                "name": _("Per cent"),
                "data": [
                    _n(plan_row.progress) if plan_row else None,
                    _n(plan_row.expected_progress) if plan_row else None,
                    _n(elapsed),
                ],
                "status": [_status(plan_row), "expected", "expected"],
            }
        ],
    }


def rows_chart(*, items, label, url, horizontal=False) -> dict:
    """Progress (coloured by status) beside expected progress for groups, tasks or work items:
    `items` is [(subject, row)], `label(subject)` its axis label, `url(subject)` its drill-down."""
    return {
        "type": "bars",
        "horizontal": horizontal,
        "unit": "%",
        "max": 100,
        "categories": [label(s) for s, _row in items],
        "urls": [url(s) for s, _row in items],
        "series": [
            {
                "name": _("Progress"),
                "data": [_n(r.progress) if r else None for _s, r in items],
                "status": [_status(r) for _s, r in items],
            },
            {
                "name": _("Expected by now"),
                "data": [_n(r.expected_progress) if r else None for _s, r in items],
                "status": ["expected" for _item in items],
            },
        ],
    }


def path_chart(card) -> dict:
    """An indicator's path from baseline to target by year, and its actual values."""
    indicator = card.indicator
    return {
        "type": "path",
        "unit": indicator.unit,
        "categories": [str(year) for year, *_rest in card.years],
        "target": _n(indicator.target),
        "targetLabel": _("Target %(year)s") % {"year": indicator.target_year},
        "series": [
            {
                "name": _("Path to the target"),
                "data": [_n(expected) for _y, expected, _a, _p in card.years],
                "dashed": True,
            },
            {
                "name": _("Actual"),
                "data": [_n(actual) for _y, _e, actual, _p in card.years],
            },
        ],
    }


def units_chart(*, units, indicators, url) -> dict:
    """The compared organisations side by side: progress, and the indicators measured in %."""
    percent = [i for i in indicators if i.unit == "%"]
    series = [
        {
            "name": _("Progress"),
            "data": [_n(u.row.progress) if u.row else None for u in units],
            "status": [_status(u.row) for u in units],
        }
    ]
    for indicator in percent:
        series.append(
            {
                "name": indicator.name,
                "data": [
                    _n(u.values[indicator.pk].value) if u.values.get(indicator.pk) else None
                    for u in units
                ],
            }
        )
    return {
        "type": "bars",
        "horizontal": False,
        "unit": "%",
        "categories": [u.org.display_name for u in units],
        "urls": [url(u.org) for u in units],
        "series": series,
    }


def indicator_units_chart(*, units, indicator, url) -> dict:
    return {
        "type": "bars",
        "horizontal": False,
        "unit": indicator.unit,
        "categories": [u.org.display_name for u in units],
        "urls": [url(u.org) for u in units],
        "series": [
            {
                "name": indicator.name,
                "data": [
                    _n(u.values[indicator.pk].value) if u.values.get(indicator.pk) else None
                    for u in units
                ],
            }
        ],
    }
