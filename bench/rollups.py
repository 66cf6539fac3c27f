"""The rollup benchmark: full recompute against one hand-written GROUP BY pass, the recompute
after one approval, and the worker's peak memory.

- Full recompute: tasks.rollups.compute.rollup_full for every period of one plan (the first province's,
  20 quarters), as the nightly job runs it per period. The baseline ("practical limit") is one
  hand-written SQL statement per period over the same rows: each assignment's latest approved
  report up to the period (DISTINCT ON), weighted by role, averaged per work item for all
  organisations and for each organisation's subtree (an assignment counts for its organisation
  and every ancestor) — the assignment → work item rows rollup_full stores, read into Python but
  not written. The two are interleaved, and checked to give the same work item rows.
- Approval: a submitted report of that plan approved through tasks.services.report_approve (the
  outbox row, and with no broker the eager recompute_chain job after commit), and the job's own
  work, rollup_chain(work item, period, organisation), timed alone; queries counted for both.
  The approved reports are put back to `submitted` afterwards, so a later run finds the same data.
- Memory: a separate worker process runs the full recompute; its peak RSS (ru_maxrss) before
  and after.
"""

import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

PLAN_ID = 1  # the first province's plan


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _figures(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median_ms": _ms(statistics.median(ordered)),
        "p95_ms": _ms(p95),
        "min_ms": _ms(ordered[0]),
        "n": len(ordered),
    }


def plan_and_periods(last: int | None = None):
    """The measured plan and its periods in time order; the `last` ones only when given."""
    from plan.models import Plan
    from tasks.models import ReportingPeriod

    plan = Plan.objects.get(pk=PLAN_ID)
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("ends_on"))
    return plan, periods[-last:] if last else periods


def plan_rows(plan) -> dict:
    """How much data the measured plan holds."""
    from tasks.models import Assignment, IndicatorValue, ProgressReport, WorkItem

    return {
        "work_items": WorkItem.objects.filter(key_task__plan=plan).count(),
        "assignments": Assignment.objects.filter(work_item__key_task__plan=plan).count(),
        "reports": ProgressReport.objects.filter(period__plan=plan).count(),
        "approved_reports": ProgressReport.objects.filter(
            period__plan=plan, state="approved"
        ).count(),
        "indicator_values": IndicatorValue.objects.filter(period__plan=plan).count(),
    }


BASELINE = """
    WITH asg AS (
        SELECT a.id, a.work_item_id, o.path,
               CASE WHEN a.role = 'lead' THEN %(lead)s ELSE %(supporting)s END AS weight
        FROM tasks_assignment a
        JOIN tasks_workitem w ON w.id = a.work_item_id
        JOIN plan_keytask k ON k.id = w.key_task_id
        JOIN orgs_organization o ON o.id = a.organization_id
        WHERE k.plan_id = %(plan)s AND w.year = %(year)s
    ), latest AS (
        SELECT DISTINCT ON (r.assignment_id) r.assignment_id, r.percent_complete
        FROM tasks_progressreport r
        JOIN asg ON asg.id = r.assignment_id
        JOIN tasks_reportingperiod rp ON rp.id = r.period_id
        WHERE r.state = 'approved' AND r.percent_complete IS NOT NULL AND rp.ends_on <= %(end)s
        ORDER BY r.assignment_id, rp.ends_on DESC, r.revision DESC
    ), scored AS (
        SELECT asg.work_item_id, asg.path, asg.weight,
               COALESCE(latest.percent_complete, 0) AS progress,
               (latest.assignment_id IS NOT NULL)::int AS reported
        FROM asg LEFT JOIN latest ON latest.assignment_id = asg.id
    )
    SELECT d.work_item_id, d.org_key,
           SUM(d.weight * d.progress) / NULLIF(SUM(d.weight), 0) AS progress,
           SUM(d.reported) AS reported, COUNT(*) AS expected
    FROM (
        SELECT s.work_item_id, 0::bigint AS org_key, s.weight, s.progress, s.reported
        FROM scored s
        UNION ALL
        SELECT s.work_item_id, anc.id, s.weight, s.progress, s.reported
        FROM scored s
        CROSS JOIN LATERAL generate_series(4, length(s.path), 4) AS n(len)
        JOIN orgs_organization anc ON anc.path = substr(s.path, 1, n.len)
    ) d
    GROUP BY d.work_item_id, d.org_key
"""


# The same figures rollup_full stores, by hand-written SQL in one statement and read, not written:
# progress of every level (work item, key task, group, plan) for all organisations and every
# subtree, and the bench's indicators (ratio and sum) per subtree from each expected organisation's
# latest approved value at or before the period (carried, as stored). No status, expected progress,
# missing lists or explanations: the practical limit of the figures themselves. Each level is
# rounded to the hundredth before the level above uses it, as the stored figures are (a parent is
# the mean of the children a reader sees).
SAME_FIGURES = """
    WITH asg AS (
        SELECT a.id, a.work_item_id, w.key_task_id, k.group_id, w.weight AS w_weight, o.path,
               CASE WHEN a.role = 'lead' THEN %(lead)s ELSE %(supporting)s END AS weight
        FROM tasks_assignment a
        JOIN tasks_workitem w ON w.id = a.work_item_id
        JOIN plan_keytask k ON k.id = w.key_task_id
        JOIN orgs_organization o ON o.id = a.organization_id
        WHERE k.plan_id = %(plan)s AND w.year = %(year)s
    ), latest AS (
        SELECT DISTINCT ON (r.assignment_id) r.assignment_id, r.percent_complete
        FROM tasks_progressreport r
        JOIN asg ON asg.id = r.assignment_id
        JOIN tasks_reportingperiod rp ON rp.id = r.period_id
        WHERE r.state = 'approved' AND r.percent_complete IS NOT NULL AND rp.ends_on <= %(end)s
        ORDER BY r.assignment_id, rp.ends_on DESC, r.revision DESC
    ), scored AS (
        SELECT asg.*, COALESCE(latest.percent_complete, 0) AS progress,
               (latest.assignment_id IS NOT NULL)::int AS reported
        FROM asg LEFT JOIN latest ON latest.assignment_id = asg.id
    ), expanded AS (
        SELECT s.*, 0::bigint AS org_key FROM scored s
        UNION ALL
        SELECT s.*, anc.id FROM scored s
        CROSS JOIN LATERAL generate_series(4, length(s.path), 4) AS n(len)
        JOIN orgs_organization anc ON anc.path = substr(s.path, 1, n.len)
    ), wi AS (
        SELECT work_item_id, key_task_id, group_id, w_weight, org_key,
               ROUND(SUM(weight * progress) / NULLIF(SUM(weight), 0), 2) AS progress,
               SUM(reported) AS reported, COUNT(*) AS expected
        FROM expanded GROUP BY work_item_id, key_task_id, group_id, w_weight, org_key
    ), kt AS (
        SELECT key_task_id, group_id, org_key,
               ROUND(SUM(w_weight * progress) / NULLIF(SUM(w_weight), 0), 2) AS progress,
               SUM(reported) AS reported, SUM(expected) AS expected
        FROM wi GROUP BY key_task_id, group_id, org_key
    ), gr AS (
        SELECT group_id, org_key, ROUND(AVG(progress), 2) AS progress,
               SUM(reported) AS reported, SUM(expected) AS expected
        FROM kt GROUP BY group_id, org_key
    ), values_ AS (
        -- each expected organisation's latest approved value at or before the period (carried)
        SELECT DISTINCT ON (v.indicator_id, v.organization_id)
               v.indicator_id, i.aggregation, i.unit, o.path, v.value, v.numerator, v.denominator
        FROM tasks_indicatorvalue v
        JOIN tasks_reportingperiod vp ON vp.id = v.period_id
        JOIN plan_indicator i ON i.id = v.indicator_id
        JOIN orgs_organization o ON o.id = v.organization_id
        WHERE i.plan_id = %(plan)s AND vp.plan_id = %(plan)s AND vp.ends_on <= %(end)s
          AND vp.year = %(year)s AND v.state = 'approved'
          AND ((i.aggregation = 'ratio' AND v.numerator IS NOT NULL
                AND v.denominator IS NOT NULL)
            OR (i.aggregation = 'sum' AND v.value IS NOT NULL))
          AND (EXISTS (
                  SELECT 1 FROM tasks_assignment a
                  JOIN tasks_workitem w ON w.id = a.work_item_id
                  JOIN tasks_assignment_indicators ai ON ai.assignment_id = a.id
                  WHERE a.organization_id = v.organization_id
                    AND ai.indicator_id = v.indicator_id AND w.year = %(year)s)
               OR EXISTS (
                  SELECT 1 FROM tasks_indicatorvalue cv
                  WHERE cv.indicator_id = v.indicator_id
                    AND cv.organization_id = v.organization_id
                    AND cv.period_id = %(period)s AND cv.state = 'approved')
               OR (i.reporting_kind <> '' AND o.kind = i.reporting_kind AND o.is_active))
        ORDER BY v.indicator_id, v.organization_id, vp.ends_on DESC
    ), ind AS (
        SELECT x.indicator_id, x.org_key, MIN(x.aggregation) AS aggregation,
               MIN(x.unit) AS unit, SUM(x.value) AS total, SUM(x.numerator) AS numerator,
               SUM(x.denominator) AS denominator, COUNT(*) AS reported
        FROM (
            SELECT v.*, 0::bigint AS org_key FROM values_ v
            UNION ALL
            SELECT v.*, anc.id FROM values_ v
            CROSS JOIN LATERAL generate_series(4, length(v.path), 4) AS n(len)
            JOIN orgs_organization anc ON anc.path = substr(v.path, 1, n.len)
        ) x
        GROUP BY x.indicator_id, x.org_key
    )
    SELECT 'work_item', work_item_id, org_key, progress, reported FROM wi
    UNION ALL SELECT 'key_task', key_task_id, org_key, progress, reported FROM kt
    UNION ALL SELECT 'group', group_id, org_key, progress, reported FROM gr
    UNION ALL SELECT 'plan', %(plan)s, org_key, AVG(progress), SUM(reported) FROM gr
        GROUP BY org_key
    UNION ALL SELECT 'indicator', indicator_id, org_key,
        CASE WHEN aggregation = 'sum' THEN total WHEN denominator > 0 THEN numerator
             / denominator * CASE WHEN unit = '%%' THEN 100 ELSE 1 END END, reported FROM ind
"""


def _run(sql: str, plan, period, cfg) -> list[tuple]:
    """One of the hand-written statements for a plan's period, its rows fetched."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "lead": cfg.lead_weight,
                "supporting": cfg.supporting_weight,
                "plan": plan.pk,
                "year": period.year,
                "end": period.ends_on,
                "period": period.pk,
            },
        )
        return cursor.fetchall()


def same_figures(plan, period, cfg) -> list[tuple]:
    return _run(SAME_FIGURES, plan, period, cfg)


def same_figures_pass(plan, periods, cfg) -> float:
    started = time.perf_counter()
    for period in periods:
        same_figures(plan, period, cfg)
    return time.perf_counter() - started


def same_figures_as_stored(plan, periods, cfg) -> dict:
    """The hand-written figures of every level against the rows rollup_full stored."""
    from tasks.models import IndicatorRollup, ProgressRollup

    rows = mismatched = 0
    for period in periods:
        stored = {
            (level, s, o): (p, r)
            for level, s, o, p, r in ProgressRollup.objects.filter(period=period)
            .exclude(level="assignment")
            .values_list("level", "subject_id", "org_key", "progress", "reported")
        }
        stored |= {
            ("indicator", i, o): (v, r)
            for i, o, v, r in IndicatorRollup.objects.filter(period=period).values_list(
                "indicator_id", "org_key", "value", "reported"
            )
        }
        for level, subject, org, figure, reported in same_figures(plan, period, cfg):
            rows += 1
            places = Decimal("0.000001") if level == "indicator" else Decimal("0.01")
            mine = None if figure is None else Decimal(figure).quantize(places, ROUND_HALF_UP)
            if stored.get((level, subject, org)) != (mine, reported):
                mismatched += 1
    return {"rows": rows, "mismatched": mismatched, "same": rows > 0 and not mismatched}


def baseline(plan, period, cfg) -> list[tuple]:
    return _run(BASELINE, plan, period, cfg)


def same_as_stored(plan, periods, cfg) -> dict:
    """The baseline's (work item, organisation) rows against what rollup_full stored."""
    from tasks.models import ProgressRollup

    rows = mismatched = missing = 0
    for period in periods:
        stored = {
            (s, o): (p, r, e)
            for s, o, p, r, e in ProgressRollup.objects.filter(
                period=period, level="work_item"
            ).values_list("subject_id", "org_key", "progress", "reported", "expected")
        }
        for wid, org, progress, reported, expected in baseline(plan, period, cfg):
            rows += 1
            got = stored.pop((wid, org), None)
            if got is None:
                missing += 1
                continue
            # rounded as PostgreSQL rounds the stored figure: half away from zero
            mine = (
                Decimal(progress).quantize(Decimal("0.01"), ROUND_HALF_UP)
                if progress is not None
                else None
            )
            if (mine, reported, expected) != (got[0], got[1], got[2]):
                mismatched += 1
        missing += len(stored)  # stored rows the baseline does not have
    return {
        "rows": rows,
        "mismatched": mismatched,
        "missing": missing,
        "same": not (mismatched or missing),
    }


class LevelTimer:
    """Times rollup_full's levels by wrapping the module's level functions (bench process only)."""

    NAMES = ("_assignment_level", "_level", "_indicators")

    def __init__(self):
        self.seconds = defaultdict(float)
        self.queries = defaultdict(int)
        self._saved = {}

    def __enter__(self):
        from tasks.rollups import compute as rollups

        for name in self.NAMES:
            original = getattr(rollups, name)
            self._saved[name] = original
            setattr(rollups, name, self._wrap(name, original))
        return self

    def _wrap(self, name, original):
        def timed(*args, **kwargs):
            key = {"_assignment_level": "assignment", "_indicators": "indicators"}.get(name)
            if key is None:
                key = str(args[0])
            before = len(connection.queries_log)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - started
                self.queries[key] += len(connection.queries_log) - before

        return timed

    def __exit__(self, *exc):
        from tasks.rollups import compute as rollups

        for name, original in self._saved.items():
            setattr(rollups, name, original)


def analyze_rollups() -> None:
    """What autovacuum does after a table's first bulk writes, so the planner sees the rollup rows
    just stored (without it, it estimates one row and walks a whole period for a chain)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_progressrollup, tasks_indicatorrollup")


def full_recompute(plan, periods) -> float:
    from tasks.rollups.compute import rollup_full

    started = time.perf_counter()
    for period in periods:
        rollup_full(plan, period)
    return time.perf_counter() - started


def baseline_pass(plan, periods, cfg) -> tuple[float, int]:
    started = time.perf_counter()
    rows = sum(len(baseline(plan, period, cfg)) for period in periods)
    return time.perf_counter() - started, rows


def measure_full(repeats: int = 3, last: int = 1) -> dict:
    from tasks.models import IndicatorRollup, ProgressRollup
    from tasks.rollups.compute import settings_for

    plan, periods = plan_and_periods(last)
    cfg = settings_for(plan)
    # One run that counts, cold: the periods' rollup rows deleted first, so it writes every row
    # (queries and seconds per level; not among the timed runs, which find the rows stored and
    # rewrite only what changed, as the nightly job does).
    ProgressRollup.objects.filter(period__in=periods).delete()
    IndicatorRollup.objects.filter(period__in=periods).delete()
    with CaptureQueriesContext(connection) as captured, LevelTimer() as levels:
        seconds = full_recompute(plan, periods)
    cold_base, _rows = baseline_pass(plan, periods, cfg)
    first = {
        "seconds": round(seconds, 2),
        "baseline_seconds": round(cold_base, 3),
        "ratio": round(seconds / cold_base, 1),
        "queries": len(captured.captured_queries),
        "levels": {
            k: {"seconds": round(v, 2), "queries": levels.queries[k]}
            for k, v in sorted(levels.seconds.items(), key=lambda kv: -kv[1])
        },
    }
    analyze_rollups()
    full, base, same, base_rows = [], [], [], 0
    for _ in range(repeats):
        seconds, base_rows = baseline_pass(plan, periods, cfg)
        base.append(seconds)
        same.append(same_figures_pass(plan, periods, cfg))
        full.append(full_recompute(plan, periods))
    check = same_as_stored(plan, periods, cfg)
    same_check = same_figures_as_stored(plan, periods, cfg)
    names = ", ".join(f"{p.year} Q{p.number}" for p in periods)
    return {
        "scope": f"plan {plan.code} (the first province's), period {names}"
        + (" (rollup_full once per period)" if len(periods) > 1 else ""),
        "periods": len(periods),
        "plan_rows": plan_rows(plan),
        "progress_rollup_rows": ProgressRollup.objects.filter(period__in=periods).count(),
        "indicator_rollup_rows": IndicatorRollup.objects.filter(period__in=periods).count(),
        "baseline_rows": base_rows,
        "full": _figures(full),
        "baseline": _figures(base),
        "ratio": round(statistics.median(full) / statistics.median(base), 2),
        "same_figures": _figures(same),
        "same_figures_ratio": round(statistics.median(full) / statistics.median(same), 2),
        "same_figures_check": same_check,
        "counted_run": first,
        "same_rows": check,
        "repeats": repeats,
    }


def _explain(run, title: str, limit: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest SELECTs `run()` issues."""
    with CaptureQueriesContext(connection) as captured:
        run()
    queries = captured.captured_queries
    selects = [q for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    selects.sort(key=lambda q: -float(q["time"]))
    out = []
    with connection.cursor() as cursor:
        for q in selects[:limit]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plan_text = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"-- {q['time']} s\n{q['sql']}\n\n{plan_text}")
    spent = sum(float(q["time"]) for q in queries)
    head = f"==== {title}\n-- {len(queries)} queries, {spent:.2f} s in the database"
    return head + "\n\n" + "\n\n".join(out)


def explain_slowest(limit: int = 4) -> str:
    """The slowest queries of rollup_full for the plan's last period, and of one chain."""
    from tasks.models import ProgressReport
    from tasks.rollups.compute import rollup_chain, rollup_full

    plan, periods = plan_and_periods()
    period = periods[-1]
    report = (
        ProgressReport.objects.filter(period=period, state="submitted")
        .select_related("assignment__work_item", "organization")
        .order_by("assignment_id")
        .first()
    )
    full = _explain(lambda: rollup_full(plan, period), f"rollup_full, period {period}", limit)
    chain = _explain(
        lambda: rollup_chain(report.assignment.work_item, period, report.organization),
        f"rollup_chain, work item {report.assignment.work_item_id}, period {period}, "
        f"organisation {report.organization.code}",
        2,
    )
    return full + "\n\n" + chain


def measure_approval(iterations: int = 20, warmup: int = 3) -> dict:
    """Approve submitted reports of the plan one at a time, then run the job's chain alone."""
    from django.contrib.auth import get_user_model

    from orgs.models import Organization
    from tasks.models import ProgressReport, RollupRequest
    from tasks.rollups.compute import rollup_chain, rollup_mark_stale
    from tasks.services import report_approve

    plan, _periods = plan_and_periods()
    reviewer = get_user_model().objects.get(username="bench-province-reviewer")
    # Spread over the plan's quarters and organisations: the last period first (most rows).
    candidates = list(
        ProgressReport.objects.filter(period__plan=plan, state="submitted", is_latest=True)
        .exclude(submitted_by=reviewer)
        .select_related("assignment__work_item", "period", "organization")
        .order_by("-period__ends_on", "assignment_id")[: 4 * (iterations + warmup)]
    )[::4][: iterations + warmup]
    if len(candidates) < iterations + warmup:
        raise SystemExit("too few submitted reports to approve")
    approve, approve_queries, chain, chain_queries, approved = [], [], [], [], []
    chain_writes = []
    requests_before = (
        RollupRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )
    try:
        for n, report in enumerate(candidates):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                report_approve(user=reviewer, report=report)
                seconds = time.perf_counter() - started
            approved.append(report.pk)
            if n >= warmup:
                approve.append(seconds)
                approve_queries.append(len(captured.captured_queries))
        for n, report in enumerate(candidates):
            work_item = report.assignment.work_item
            organization = Organization.objects.get(pk=report.organization_id)
            # flagged as when the broker was down: every row of the chain is rewritten
            rollup_mark_stale(work_item, report.period, organization)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                rollup_chain(work_item, report.period, organization)
                seconds = time.perf_counter() - started
            if n >= warmup:
                chain.append(seconds)
                # a level's one statement computes and stores its rows (INSERT …, or WITH …
                # when it also deletes the rows it no longer produces); the rest are lookups
                kinds = [q["sql"].lstrip()[:6].upper() for q in captured.captured_queries]
                kinds = [k for k in kinds if k not in ("BEGIN", "COMMIT", "SAVEPO", "RELEAS")]
                writes = sum(k.startswith(("INSERT", "WITH", "DELETE", "UPDATE")) for k in kinds)
                chain_queries.append(len(kinds) - writes)
                chain_writes.append(writes)
    finally:
        ProgressReport.objects.filter(pk__in=approved).update(
            state="submitted", reviewed_at=None, reviewed_by=None
        )
        RollupRequest.objects.filter(pk__gt=requests_before).delete()
    return {
        "approve": _figures(approve),
        "approve_queries": sorted(set(approve_queries)),
        "chain": _figures(chain),
        "chain_queries": sorted(set(chain_queries)),
        "chain_writes": sorted(set(chain_writes)),
        "iterations": iterations,
        "warmup": warmup,
    }


def measure_completeness(repeats: int = 3) -> dict:
    """What keeping every period complete costs (tasks.rollup_triggers): a period opened — its
    rows computed from nothing (every row written), median of `repeats` — and a change of the
    organisation tree, which queues a full recompute of every period of every plan: run here
    once, serially, as one worker would take the jobs (tasks.rollups.outbox.rollup_all does
    the same work)."""
    from tasks.models import IndicatorRollup, ProgressRollup, ReportingPeriod
    from tasks.rollups.compute import rollup_full
    from tasks.rollups.outbox import rollup_all

    plan, periods = plan_and_periods()
    period = periods[-1]
    opened = []
    for _ in range(repeats):
        ProgressRollup.objects.filter(period=period).delete()
        IndicatorRollup.objects.filter(period=period).delete()
        started = time.perf_counter()
        rollup_full(plan, period)
        opened.append(time.perf_counter() - started)
    started = time.perf_counter()
    count = rollup_all()
    tree = time.perf_counter() - started
    return {
        "period_opened": _figures(opened),
        "tree_change_seconds": round(tree, 1),
        "tree_change_periods": count,
        "plans": ReportingPeriod.objects.values("plan").distinct().count(),
    }


def peak_memory(size: int, passed: list[str]) -> dict:
    """Run the full recompute in a fresh worker process; its peak RSS before and after."""
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench", *passed, "--rollup-memory-worker", str(size)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_worker(last: int = 1) -> dict:
    """The full recompute in this (fresh) process; the resident set before it and its peak during
    it. The high-water mark is reset first (/proc/self/clear_refs), so Django's start-up and
    migration check do not count; without /proc, ru_maxrss (the whole process's peak)."""
    import resource

    plan, periods = plan_and_periods(last)
    before = _status_kb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        reset = True
    except OSError:
        reset = False
    seconds = full_recompute(plan, periods)
    peak = _status_kb("VmHWM") if reset else None
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "before_mb": round((before or 0) / 1024, 1),
        "peak_mb": round(peak / 1024, 1),
        "process_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "hwm_reset": reset,
        "seconds": round(seconds, 2),
    }
