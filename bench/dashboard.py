"""The dashboard benchmark: GET /dashboard/ at national scale, on the rollup data sets.

    python -m bench dashboard [--rollup-sizes 100000,1000000] [--dashboard-iterations 50]

Each size runs in its own worker process against the schema `python -m bench rollups` generated
(bench_roll100k, bench_roll1m; this part never generates or wipes them). The worker first stores
the rollups the dashboard reads for the measured plan (bench-plan-01: rollup_full of each of its
periods that has none yet), then requests /dashboard/ through Django's test client, as the
province's reviewer (who sees the whole plan through the scoping API, like leadership) and as the
superuser: queries counted on one request, then the server time of 50 requests after a warm-up
(median and p95). Results: bench/results/latest-dashboard.json and .md.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import db

RESULTS = Path(__file__).resolve().parent / "results"
PLAN_CODE = "bench-plan-01"
USERS = [
    ("bench-province-reviewer", "province reviewer (sees the whole plan)"),
    ("bench-superuser", "superuser"),
]
WARMUP = 5


def _sizes(text: str) -> list[int]:
    return sorted(int(s.replace("_", "")) for s in text.split(",") if s.strip())


def run(args) -> int:
    """Measure every size in its own worker; write the results; non-zero when a check fails."""
    started = time.perf_counter()
    runs = []
    for size in _sizes(args.rollup_sizes):
        print(
            f"== dashboard, {size:,} reports (schema {db.schema_for(size, 'rollups')})", flush=True
        )
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        command = [
            sys.executable,
            "-m",
            "bench",
            "--dashboard-worker",
            str(size),
            f"--dashboard-iterations={args.dashboard_iterations}",
            "--out",
            out,
        ]
        if subprocess.run(command, check=False).returncode:  # noqa: S603
            print(f"the dashboard worker for {size:,} reports failed", file=sys.stderr)
            return 1
        runs.append(json.loads(Path(out).read_text()))
        os.unlink(out)
    from .__main__ import _machine

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": _machine(),
        "iterations": args.dashboard_iterations,
        "runs": runs,
        "checks": checks(runs),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest-dashboard.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )
    table = markdown(results)
    (RESULTS / "latest-dashboard.md").write_text(table)
    print()
    print(table)
    print("written:", RESULTS / "latest-dashboard.json", RESULTS / "latest-dashboard.md")
    return 0 if all(results["checks"].values()) else 1


def checks(runs: list[dict]) -> dict:
    """The issue's bar: the same query count at every size and at most 20; the p95 at the
    largest size within 2× the smallest's."""
    small, large = runs[0], runs[-1]
    result = {}
    for username, _label in USERS:
        counts = {run["users"][username]["queries"] for run in runs}
        ratio = large["users"][username]["p95_ms"] / max(small["users"][username]["p95_ms"], 0.001)
        result[f"{username}: queries equal"] = len(counts) == 1
        result[f"{username}: queries <= 20"] = max(counts) <= 20
        result[f"{username}: p95 within 2x"] = ratio <= 2
    return result


def markdown(results: dict) -> str:
    runs = results["runs"]
    sizes = [f"{run['reports']:,} reports" for run in runs]
    lines = [
        "### Dashboard (`/dashboard/`) at national scale",
        "",
        f"{results['date']} · {results['machine']} · {results['iterations']} requests per "
        f"figure after {WARMUP} warm-up requests, through Django's test client (server time; "
        "no network). The rollup data sets of `python -m bench rollups`; the measured plan is "
        f"`{PLAN_CODE}` (31 tasks in 7 groups), period {runs[0]['period']}.",
        "",
        "| | " + " | ".join(sizes) + " |",
        "| --- | " + " | ".join("---:" for _ in runs) + " |",
        "| assignments / work items of the plan | "
        + " | ".join(f"{r['rows']['assignments']:,} / {r['rows']['work_items']:,}" for r in runs)
        + " |",
        "| stored progress rows of the period | "
        + " | ".join(f"{r['rows']['progress_rows']:,}" for r in runs)
        + " |",
    ]
    for username, label in USERS:
        figures = [r["users"][username] for r in runs]
        lines += [
            f"| {label}: median | "
            + " | ".join(f"{f['median_ms']:.1f} ms" for f in figures)
            + " |",
            f"| {label}: p95 | " + " | ".join(f"{f['p95_ms']:.1f} ms" for f in figures) + " |",
            f"| {label}: queries | " + " | ".join(str(f["queries"]) for f in figures) + " |",
            f"| {label}: database time of one request | "
            + " | ".join(f"{f['db_ms']:.1f} ms" for f in figures)
            + " |",
        ]
    ratios = [
        runs[-1]["users"][u]["p95_ms"] / max(runs[0]["users"][u]["p95_ms"], 0.001) for u, _ in USERS
    ]
    lines += [
        "",
        "Checks: "
        + "; ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in results["checks"].items())
        + f" (p95 ratio largest/smallest: {', '.join(f'{r:.2f}' for r in ratios)}).",
        "",
    ]
    return "\n".join(lines)


# ---- the worker (one size, its own process) -------------------------------------------------


def setup(url: str, schema: str) -> None:
    """db.setup_django, but migrating only the dashboard's own tables: the data sets belong to
    `python -m bench rollups`, which applies the other apps' migrations itself."""
    db._parts(url)  # refuses the portal's databases
    os.environ["DJANGO_SETTINGS_MODULE"] = "qhsta.settings.local"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings

    settings.DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c search_path={schema}"
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    django.setup()
    from django.core.management import call_command

    call_command("migrate", "dashboard", interactive=False, verbosity=0)


def worker(args) -> int:
    size = args.dashboard_worker
    schema = db.schema_for(size, "rollups")
    setup(db.database_url(), schema)
    if not db.marker_read():
        raise SystemExit(f"{schema} holds no data set: run `python -m bench rollups` first")

    import statistics

    from django.contrib.auth import get_user_model
    from django.db import DatabaseError, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from plan.models import Plan
    from tasks.models import Assignment, ProgressRollup, ReportingPeriod, RollupLevel, WorkItem
    from tasks.rollups.compute import rollup_full

    from .scoping import no_gc

    plan = Plan.objects.get(code=PLAN_CODE)
    periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("ends_on"))
    stored = set(
        ProgressRollup.objects.filter(
            period__in=periods, level=RollupLevel.PLAN, org_key=0
        ).values_list("period_id", flat=True)
    )
    step, added = time.perf_counter(), 0
    refused = None
    for period in periods:
        if period.pk not in stored and refused is None:
            try:
                rollup_full(plan, period)
                added += 1
            except DatabaseError as exc:  # the schema is ahead of (or behind) this code
                refused = str(exc).splitlines()[0]
                print(f"  could not store rollups here: {refused}", flush=True)
    if added:
        print(f"  stored the rollups of {added} periods ({time.perf_counter() - step:.1f} s)")
    last = periods[-1]
    rows = {
        "assignments": Assignment.objects.filter(work_item__key_task__plan=plan).count(),
        "work_items": WorkItem.objects.filter(key_task__plan=plan).count(),
        "progress_rows": ProgressRollup.objects.filter(period=last).count(),
    }
    path = f"/dashboard/?plan={PLAN_CODE}"
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[n for n, _ in USERS])
    }
    measured = {}
    for username, label in USERS:
        print(f"  /dashboard/ as {label} ...", flush=True)
        client = Client()
        client.force_login(users[username])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        captured = ctx.captured_queries  # now: the next request empties the connection's log
        if response.status_code != 200:
            raise SystemExit(f"GET {path} as {username} answered {response.status_code}")
        html = response.content.decode()
        shown = re.search(r'id="overall-progress">([^<]*)<', html)
        if f'<option value="{last.pk}" selected>' not in html or not shown or "—" in shown[1]:
            raise SystemExit(f"GET {path} as {username} did not show {last}'s figures")
        samples = []
        with no_gc():
            for i in range(WARMUP + args.dashboard_iterations):
                begun = time.perf_counter()
                client.get(path)
                if i >= WARMUP:
                    samples.append((time.perf_counter() - begun) * 1000)
        ordered = sorted(samples)
        measured[username] = {
            "label": label,
            "queries": len(captured),
            "db_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
            "min_ms": round(ordered[0], 2),
            "n": len(ordered),
        }
        print(
            f"    median {measured[username]['median_ms']:.1f} ms, p95 "
            f"{measured[username]['p95_ms']:.1f} ms, {measured[username]['queries']} queries",
            flush=True,
        )
    document = {
        "reports": size,
        "schema": schema,
        "plan": PLAN_CODE,
        "period": str(last.label),
        "rollups_stored_now": added,
        "periods_with_rollups": len(stored) + added,
        "rollups_not_stored": refused,
        "rows": rows,
        "users": measured,
    }
    Path(args.out).write_text(json.dumps(document, ensure_ascii=False))
    return 0
