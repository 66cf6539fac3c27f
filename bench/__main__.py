"""`make bench`: the scoped-list and rollup benchmarks at two data sizes each, on PostgreSQL.

    python -m bench [lists|rollups] [--sizes 50000,500000] [--rollup-sizes 100000,1000000]
                    [--orgs 10000] [--users 100000] [--regenerate]

Each size is generated (once; later runs reuse it) and measured in its own worker process and
schema. The figures go to stdout, bench/results/latest.json and bench/results/latest.md (the
table for docs/performance.md); the query plans to bench/results/latest-plans.txt
and bench/results/latest-rollup-plans.txt. Running one part keeps the other part's figures.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import db

RESULTS = Path(__file__).resolve().parent / "results"


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "part",
        nargs="?",
        choices=["all", "lists", "rollups", "dashboard", "api"],
        default="all",
        help="run only the scoped lists or only the rollups (default: both)",
    )
    parser.add_argument("--sizes", default="50000,500000", help="report counts, comma-separated")
    parser.add_argument(
        "--rollup-sizes", default="100000,1000000", help="report counts of the rollup data sets"
    )
    parser.add_argument("--rollup-repeats", type=int, default=3, help="timed full recomputes")
    parser.add_argument(
        "--rollup-periods",
        type=int,
        default=1,
        help="full recompute of the plan's last N quarters (default 1: 2025 Q4; 20: all)",
    )
    parser.add_argument("--approvals", type=int, default=20, help="timed approvals")
    parser.add_argument("--orgs", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--page-iterations", type=int, default=15)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data sets")
    parser.add_argument("--no-explain", action="store_true", help="skip EXPLAIN ANALYZE")
    parser.add_argument(
        "--proposal",
        action="store_true",
        help="also measure the proposed page query and index (bench/results/proposal.md)",
    )
    parser.add_argument("--worker", type=int, metavar="REPORTS", help=argparse.SUPPRESS)
    parser.add_argument("--rollup-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rollup-memory-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-worker", type=int, help=argparse.SUPPRESS)  # bench/api.py
    parser.add_argument("--dashboard-iterations", type=int, default=50)
    parser.add_argument("--dashboard-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _sizes(text: str) -> list[int]:
    return sorted(int(s.replace("_", "")) for s in text.split(",") if s.strip())


def _run_workers(args, sizes: list[int], flag: str, label) -> list[dict] | None:
    runs = []
    for size in sizes:
        print(f"== {size:,} reports (schema {label(size)})", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        command = [sys.executable, "-m", "bench", *_passed(args), flag, str(size)]
        completed = subprocess.run([*command, "--out", out], check=False)  # noqa: S603
        if completed.returncode:
            print(f"the worker for {size:,} reports failed", file=sys.stderr)
            return None
        runs.append(json.loads(Path(out).read_text()))
        os.unlink(out)
    return runs


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.worker is not None:
        return worker(args)
    if args.rollup_worker is not None:
        return rollup_worker(args)
    if args.api_worker is not None:
        from .api import worker as api_worker

        return api_worker(args)
    if args.part == "api":
        from .api import run as api_run

        return api_run(args, _machine())
    if args.rollup_memory_worker is not None:
        return rollup_memory_worker(args)
    if args.dashboard_worker is not None:
        from .dashboard import worker as dashboard_worker

        return dashboard_worker(args)
    if args.part == "dashboard":
        from .dashboard import run as dashboard_run

        return dashboard_run(args)
    url = db.database_url()
    if db.ensure_database(url):
        print(f"created database {db._parts(url)['dbname']}")
    started = time.perf_counter()
    machine = _machine()
    previous = {}
    if args.part != "all" and (RESULTS / "latest.json").exists():
        previous = json.loads((RESULTS / "latest.json").read_text())

    from .report import (
        checks,
        markdown,
        proposal_markdown,
        proposal_table,
        rollup_checks,
        rollup_markdown,
        rollup_text,
        text_table,
    )

    results = dict(previous)
    plans = None
    if args.part in ("all", "lists"):
        runs = _run_workers(args, _sizes(args.sizes), "--worker", db.schema_for)
        if runs is None:
            return 1
        results.update(
            {
                "date": time.strftime("%Y-%m-%d %H:%M %Z"),
                "machine": machine,
                "settings": {
                    "iterations": args.iterations,
                    "warmup": args.warmup,
                    "page_iterations": args.page_iterations,
                    "page_size": 50,
                },
                "runs": [{k: v for k, v in run.items() if k != "plans"} for run in runs],
            }
        )
        results["checks"] = checks(results)
        plans = "\n\n".join(run["plans"] for run in runs if run.get("plans"))
    rollup_plans = None
    if args.part in ("all", "rollups"):
        runs = _run_workers(
            args,
            _sizes(args.rollup_sizes),
            "--rollup-worker",
            lambda size: db.schema_for(size, "rollups"),
        )
        if runs is None:
            return 1
        results["rollups"] = {
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "machine": machine,
            "runs": [{k: v for k, v in run.items() if k != "plans"} for run in runs],
        }
        results["rollups"]["checks"] = rollup_checks(results["rollups"])
        rollup_plans = "\n\n".join(run["plans"] for run in runs if run.get("plans"))
    wall = round(time.perf_counter() - started, 1)
    if args.part == "rollups":
        results["rollups"]["wall_seconds"] = wall
        results.setdefault("wall_seconds", wall)  # the scoped lists' own, from their run
    else:
        results["wall_seconds"] = wall
        if "rollups" in results and args.part == "all":
            results["rollups"]["wall_seconds"] = wall
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    sections = []
    if results.get("runs"):
        sections.append(markdown(results))
    if results.get("rollups"):
        sections.append(rollup_markdown(results["rollups"]))
    (RESULTS / "latest.md").write_text("\n".join(sections))
    written = [RESULTS / "latest.json", RESULTS / "latest.md"]
    if plans:
        (RESULTS / "latest-plans.txt").write_text(plans)
    if rollup_plans:
        (RESULTS / "latest-rollup-plans.txt").write_text(rollup_plans)
        written.append(RESULTS / "latest-rollup-plans.txt")
    if args.proposal and args.part in ("all", "lists"):
        (RESULTS / "proposal.md").write_text(proposal_markdown(results))
        written.append(RESULTS / "proposal.md")
    print()
    if args.part in ("all", "lists"):
        print(text_table(results))
        if args.proposal:
            print()
            print(proposal_table(results))
    if args.part in ("all", "rollups"):
        print()
        print(rollup_text(results["rollups"]))
    print(f"wall time {wall:.0f} s")
    print("written:", ", ".join(str(p) for p in written))
    if args.part == "all":
        from .dashboard import run as dashboard_run

        if dashboard_run(args):
            return 1
    if args.part == "all":
        from .api import run as api_run

        api_run(args, machine)  # the API page: bench/results/latest-api.*
    if args.part in ("all", "lists") and not results["checks"]["queries_constant"]:
        return 1
    return 0


def _passed(args) -> list[str]:
    passed = [
        f"--orgs={args.orgs}",
        f"--users={args.users}",
        f"--iterations={args.iterations}",
        f"--warmup={args.warmup}",
        f"--page-iterations={args.page_iterations}",
    ]
    passed += [
        f"--rollup-repeats={args.rollup_repeats}",
        f"--rollup-periods={args.rollup_periods}",
        f"--approvals={args.approvals}",
    ]
    if args.regenerate:
        passed.append("--regenerate")
    if args.no_explain:
        passed.append("--no-explain")
    if args.proposal:
        passed.append("--proposal")
    return passed


def _machine() -> str:
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    try:
        import psycopg2

        parts = db._parts(db.database_url())
        parts.pop("dbname")
        conn = psycopg2.connect(dbname="postgres", **parts)
        with conn.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0].split()[0]
            cursor.execute("SHOW shared_buffers")
            buffers = cursor.fetchone()[0]
        conn.close()
        server = f"PostgreSQL {version} (shared_buffers {buffers})"
    except Exception:  # the figures matter more than the label
        server = "PostgreSQL"
    return (
        f"{cores} cores, Python {sys.version.split()[0]}, {server} on the same machine; "
        f"load average {load:.1f} when the run started"
    )


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _generated(args, config) -> dict:
    """Reuse the stored data set when it is the one `config` describes; else generate it."""
    from .generate import counts, generate

    stored = None if args.regenerate else db.marker_read()
    wanted = {"orgs": config.orgs, "users": config.users, "reports": config.reports}
    if stored and stored.get("config") == config.as_dict() and counts() == wanted:
        generation = {**stored["generation"], "reused": True}
        print(f"  reusing the stored data set (generated {stored['generated_at']})", flush=True)
    else:
        print("  generating ...", flush=True)
        db.marker_clear()
        rss_before = _rss_mb()
        summary = generate(config, log=lambda message: print(message, flush=True))
        generation = {
            "reused": False,
            "seconds": {k: round(v, 1) for k, v in summary.seconds.items()},
            "peak_rss_mb": _rss_mb(),
            "rss_before_mb": rss_before,
            "rows": {
                k: getattr(summary, k)
                for k in (
                    "orgs",
                    "users",
                    "memberships",
                    "permissions",
                    "plans",
                    "periods",
                    "work_items",
                    "assignments",
                    "reports",
                    "indicator_values",
                )
            },
        }
        if counts() != wanted:
            raise SystemExit(f"generated {counts()}, wanted {wanted}")
        db.marker_write(
            {
                "config": config.as_dict(),
                "generation": generation,
                "generated_at": time.strftime("%Y-%m-%d %H:%M"),
            }
        )

    return generation


def worker(args) -> int:
    """Generate (or reuse) one size and measure it; writes a JSON document to --out."""
    size = args.worker
    schema = db.schema_for(size)
    step = time.perf_counter()
    db.setup_django(db.database_url(), schema)
    migrate_seconds = time.perf_counter() - step

    from .generate import Config, designated_users
    from .scoping import (
        MEASURED,
        REVIEW_PAGE,
        check_rows_in_scope,
        explain,
        measure_list,
        measure_page,
        measure_proposal,
        proposed_index,
    )

    proposed_index(False)  # left over from an interrupted --proposal run, it would skew the figures

    config = Config(reports=size, orgs=args.orgs, users=args.users)
    generation = _generated(args, config)

    step = time.perf_counter()
    users = designated_users()
    lists, plans = {}, []
    for username, label, action in MEASURED:
        user = users[username]
        print(f"  list as {label} ...", flush=True)
        result = measure_list(user, action, iterations=args.iterations, warmup=args.warmup)
        result.update(label=label, action=str(action), rows_ok=check_rows_in_scope(user, action))
        lists[username] = result
        if not args.no_explain:
            plans.append(f"==== {size:,} reports · {label} ({username})\n{explain(user, action)}")
    pages = {}
    for username, label in REVIEW_PAGE:
        print(f"  /review/ as {label} ...", flush=True)
        pages[username] = {
            "label": label,
            **measure_page(users[username], "/review/", iterations=args.page_iterations),
        }
    proposal = None
    if args.proposal:
        print("  proposal: ids-first page and index (organization, id) ...", flush=True)
        proposal, proposal_plans = measure_proposal(
            users, iterations=args.iterations, warmup=args.warmup
        )
        plans.append(proposal_plans)
    document = {
        "reports": size,
        "schema": schema,
        "config": config.as_dict(),
        "generation": generation,
        "migrate_seconds": round(migrate_seconds, 1),
        "measure_seconds": round(time.perf_counter() - step, 1),
        "lists": lists,
        "review_page": pages,
        "proposal": proposal,
        "plans": "\n".join(plans),
    }
    Path(args.out).write_text(json.dumps(document, ensure_ascii=False))
    return 0


def rollup_worker(args) -> int:
    """Generate (or reuse) one rollup data set and measure it; a JSON document to --out."""
    size = args.rollup_worker
    schema = db.schema_for(size, "rollups")
    db.setup_django(db.database_url(), schema)

    from .generate import Config
    from .rollups import (
        explain_slowest,
        measure_approval,
        measure_completeness,
        measure_full,
        peak_memory,
    )

    config = Config(reports=size, orgs=args.orgs, users=args.users, layout="rollups")
    generation = _generated(args, config)
    step = time.perf_counter()
    print("  full recompute against the GROUP BY baseline ...", flush=True)
    full = measure_full(repeats=args.rollup_repeats, last=args.rollup_periods)
    print(
        f"    full {full['full']['median_ms'] / 1000:.2f} s, baseline "
        f"{full['baseline']['median_ms'] / 1000:.2f} s, ratio {full['ratio']:.1f}",
        flush=True,
    )
    print("  approvals and chain recomputes ...", flush=True)
    approval = measure_approval(iterations=args.approvals)
    print("  what completeness costs: a period opened, the tree changed ...", flush=True)
    completeness = measure_completeness()
    print("  peak memory of a worker running the full recompute ...", flush=True)
    memory = peak_memory(size, [f"--rollup-periods={args.rollup_periods}"])
    plans = ""
    if not args.no_explain:
        print("  EXPLAIN ANALYZE of the slowest queries ...", flush=True)
        plans = f"######## {size:,} reports ({schema})\n" + explain_slowest()
    document = {
        "reports": size,
        "schema": schema,
        "config": config.as_dict(),
        "generation": generation,
        "full": full,
        "approval": approval,
        "completeness": completeness,
        "memory": memory,
        "measure_seconds": round(time.perf_counter() - step, 1),
        "plans": plans,
    }
    Path(args.out).write_text(json.dumps(document, ensure_ascii=False, default=str))
    return 0


def rollup_memory_worker(args) -> int:
    """Only the full recompute, in a fresh process; prints its peak RSS as JSON."""
    db.setup_django(db.database_url(), db.schema_for(args.rollup_memory_worker, "rollups"))
    from .rollups import memory_worker

    print(json.dumps(memory_worker(args.rollup_periods)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
