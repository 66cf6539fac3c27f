"""The dashboard benchmark's verdict and table (the measuring itself runs in `make bench`)."""

import pytest

from bench.dashboard import USERS, checks, markdown


def run(reports, queries, p95):
    figures = {"queries": queries, "median_ms": p95 / 2, "p95_ms": p95, "db_ms": 3.0}
    return {
        "reports": reports,
        "period": "2025 Q4",
        "rows": {"assignments": reports // 100, "work_items": 244, "progress_rows": reports // 10},
        "users": {username: {**figures, "label": label} for username, label in USERS},
    }


def test_the_bar_of_the_issue():
    assert all(checks([run(100_000, 16, 50.0), run(1_000_000, 16, 99.0)]).values())
    failed = checks([run(100_000, 16, 50.0), run(1_000_000, 17, 120.0)])
    assert not any(v for k, v in failed.items() if "equal" in k or "2x" in k)
    assert not any(v for k, v in checks([run(1, 21, 1.0), run(2, 21, 1.0)]).items() if "<= 20" in k)


def test_the_table_puts_both_sizes_side_by_side():
    results = {
        "date": "today",
        "machine": "2 cores",
        "iterations": 50,
        "runs": [run(100_000, 16, 50.0), run(1_000_000, 16, 60.0)],
    }
    results["checks"] = checks(results["runs"])
    table = markdown(results)
    assert "| | 100,000 reports | 1,000,000 reports |" in table
    assert "p95 | 50.0 ms | 60.0 ms |" in table
    assert "queries | 16 | 16 |" in table


@pytest.mark.django_db
def test_the_dashboard_on_the_bench_data_set_runs_the_same_queries_at_two_sizes(client):
    """The bench's data set at two tiny sizes: /dashboard/ of its first plan shows the stored
    figures with the same number of queries (the bench measures the national sizes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.dashboard import PLAN_CODE
    from bench.generate import Config, designated_users, generate
    from plan.models import Plan
    from tasks.rollups.compute import rollup_full

    counts = []
    for reports in (800, 4000):
        generate(Config.small(reports, layout="rollups"))
        plan = Plan.objects.get(code=PLAN_CODE)
        for period in plan.periods.order_by("ends_on"):
            rollup_full(plan, period)
        client.force_login(designated_users()["bench-province-reviewer"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/dashboard/?plan={PLAN_CODE}")
        assert response.status_code == 200
        assert response.context["plan_row"] is not None
        assert len(response.context["tasks"]) == 31
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20
