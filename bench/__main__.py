"""`make bench`: the scoped-list benchmark at two data sizes, on PostgreSQL.

    python -m bench [--sizes 50000,500000] [--orgs 10000] [--users 100000] [--regenerate]

Each size is generated (once; later runs reuse it) and measured in its own worker process and
schema. The figures go to stdout, bench/results/latest.json and bench/results/latest.md (the
table for the README's performance section); the query plans to bench/results/latest-plans.txt.
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
    parser.add_argument("--sizes", default="50000,500000", help="report counts, comma-separated")
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
    parser.add_argument("--out", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.worker is not None:
        return worker(args)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    url = db.database_url()
    if db.ensure_database(url):
        print(f"created database {db._parts(url)['dbname']}")
    started = time.perf_counter()
    machine = _machine()
    runs = []
    for size in sizes:
        print(f"== {size:,} reports (schema {db.schema_for(size)})", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        command = [sys.executable, "-m", "bench", *_passed(args), "--worker", str(size)]
        completed = subprocess.run([*command, "--out", out], check=False)  # noqa: S603
        if completed.returncode:
            print(f"the worker for {size:,} reports failed", file=sys.stderr)
            return completed.returncode
        runs.append(json.loads(Path(out).read_text()))
        os.unlink(out)

    from .report import checks, markdown, proposal_markdown, proposal_table, text_table

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine,
        "settings": {
            "iterations": args.iterations,
            "warmup": args.warmup,
            "page_iterations": args.page_iterations,
            "page_size": 50,
        },
        "runs": [{k: v for k, v in run.items() if k != "plans"} for run in runs],
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    results["checks"] = checks(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (RESULTS / "latest.md").write_text(markdown(results))
    plans = "\n\n".join(run["plans"] for run in runs if run.get("plans"))
    if plans:
        (RESULTS / "latest-plans.txt").write_text(plans)
    written = [RESULTS / "latest.json", RESULTS / "latest.md"]
    if args.proposal:
        (RESULTS / "proposal.md").write_text(proposal_markdown(results))
        written.append(RESULTS / "proposal.md")
    print()
    print(text_table(results))
    if args.proposal:
        print()
        print(proposal_table(results))
    print("written:", ", ".join(str(p) for p in written))
    return 0 if results["checks"]["queries_constant"] else 1


def _passed(args) -> list[str]:
    passed = [
        f"--orgs={args.orgs}",
        f"--users={args.users}",
        f"--iterations={args.iterations}",
        f"--warmup={args.warmup}",
        f"--page-iterations={args.page_iterations}",
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


def worker(args) -> int:
    """Generate (or reuse) one size and measure it; writes a JSON document to --out."""
    size = args.worker
    schema = db.schema_for(size)
    step = time.perf_counter()
    db.setup_django(db.database_url(), schema)
    migrate_seconds = time.perf_counter() - step

    from .generate import Config, counts, designated_users, generate
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


if __name__ == "__main__":
    sys.exit(main())
