"""Smoke test of the rollup data set of `make bench` (python -m bench rollups) at a tiny size.

No timing is asserted; the baseline's SQL (DISTINCT ON) is PostgreSQL's, measured by the bench.
"""

import pytest
from django.db import connection
from django.db.models import Count

from bench.generate import ROLLUP_GROUPS, ROLLUP_KEY_TASKS, ROLLUP_WORK_ITEMS, Config, generate
from plan.models import Indicator, KeyTask, Plan
from tasks.models import Assignment, IndicatorValue, ProgressReport, ProgressRollup, WorkItem
from tasks.rollups.compute import rollup_full

pytestmark = pytest.mark.django_db


def test_rollup_layout_has_the_issue_shape_and_rolls_up():
    config = Config.small(800, layout="rollups")
    summary = generate(config)

    assert ProgressReport.objects.count() == summary.reports == 800
    assert Plan.objects.count() == config.provinces
    for plan in Plan.objects.all():
        tasks = KeyTask.objects.filter(plan=plan)
        assert tasks.count() == ROLLUP_KEY_TASKS
        assert tasks.values("group").distinct().count() == ROLLUP_GROUPS
        per_task = WorkItem.objects.filter(key_task__plan=plan).values("key_task")
        low, high = ROLLUP_WORK_ITEMS
        assert all(low <= row["n"] <= high for row in per_task.annotate(n=Count("id")))
        # Assignments go to organisations of the plan's own province.
        paths = Assignment.objects.filter(work_item__key_task__plan=plan).values_list(
            "organization__path", flat=True
        )
        assert all(path.startswith(plan.organization.path) for path in paths)
    assert set(Indicator.objects.values_list("aggregation", flat=True)) == {"ratio", "sum"}
    ratio = IndicatorValue.objects.filter(indicator__aggregation="ratio")
    assert ratio.exists() and not ratio.filter(denominator__isnull=True).exists()
    assert Assignment.indicators.through.objects.count() == 2 * Assignment.objects.count()
    assert config.as_dict()["layout"] == "rollups"
    assert "layout" not in Config.small(800).as_dict()  # stored list data sets stay valid

    plan = Plan.objects.get(pk=1)
    period = plan.periods.order_by("ends_on").last()
    rollup_full(plan, period)
    assert ProgressRollup.objects.filter(period=period, level="plan", org_key=0).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the hand-written SQL is PostgreSQL's"
)
def test_every_stored_figure_equals_the_hand_written_sql():
    """What rollup_full stores for each level, organisation subtree and indicator equals one
    independent SQL statement computing the same figures (the bench's same-figures baseline)."""
    from bench.rollups import same_figures_as_stored
    from tasks.rollups.compute import settings_for

    generate(Config.small(2000, layout="rollups"))
    plan = Plan.objects.get(pk=1)
    periods = list(plan.periods.order_by("ends_on"))[-4:]
    for period in periods:
        rollup_full(plan, period)
    check = same_figures_as_stored(plan, periods, settings_for(plan))
    assert check["rows"] > 100 and check["mismatched"] == 0
