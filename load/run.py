# ruff: noqa: S603, S310  (fixed commands of this repository; requests to loopback only)
"""`make load`: the load test, over loopback only, bounded in users and time, stopping by itself.

1. a gunicorn (deploy/gunicorn.conf.py, the load settings: production's) on 127.0.0.1 and a free
   port, on the national-scale data: LOAD_DATABASE_URL (default: BENCH_DATABASE_URL, else
   postgres://postgres@127.0.0.1:5432/qhsta_bench), schema LOAD_SCHEMA (default bench_roll1m,
   made by `make bench`) through the connection's search_path;
2. signed-in sessions for a sample of the data's officers, leaders and reviewers (load/prepare.py);
3. locust headless (load/locustfile.py): LOAD_USERS users (default 50), spawned LOAD_SPAWN a
   second (10), for LOAD_TIME (120s); then everything is stopped;
4. p50/p95/p99 and errors per request and overall, printed and written to LOAD_OUT
   (default var/load/latest.md and .json).

Read-mostly: only session rows are written unless LOAD_WRITES=1 (the officers then save drafts)
or LOAD_MIGRATE=1 (the code's migrations are applied first); use both only on a copy of the
data, never on the shared benchmark database.
"""

import csv
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FORBIDDEN = {"qhsta", "test_qhsta"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(base: str) -> bool:
    request = urllib.request.Request(f"{base}/healthz", headers={"X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def main() -> int:
    url = (
        os.environ.get("LOAD_DATABASE_URL")
        or os.environ.get("BENCH_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/qhsta_bench"
    )
    name = url.rsplit("/", 1)[-1]
    if name in FORBIDDEN:
        sys.exit(f"refusing to load-test the portal's own database {name!r}")
    schema = os.environ.get("LOAD_SCHEMA", "bench_roll1m")
    users = int(os.environ.get("LOAD_USERS", "50"))
    spawn = os.environ.get("LOAD_SPAWN", "10")
    duration = os.environ.get("LOAD_TIME", "120s")
    workers = os.environ.get("WEB_CONCURRENCY") or str((os.cpu_count() or 1) * 2 + 1)
    out = Path(os.environ.get("LOAD_OUT", ROOT / "var" / "load" / "latest"))
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / "run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "load.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "PGOPTIONS": f"-c search_path={schema}",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if os.environ.get("LOAD_MIGRATE") == "1":  # a copy of the data only, never the shared bench
        subprocess.run([PY, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True)
    pending = subprocess.run(
        [PY, "manage.py", "migrate", "--check", "--plan"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if pending.returncode != 0:
        print(
            f"warning: {name}/{schema} lacks migrations of this code; pages of the newer apps "
            "will fail (migrate a copy of the data, not the shared benchmark):\n"
            + pending.stdout[-1500:],
            file=sys.stderr,
        )
    print(f"preparing sessions in {name}/{schema} …", flush=True)
    prepared = subprocess.run(
        [PY, "-m", "load.prepare", os.environ.get("LOAD_ACCOUNTS", "20")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    plan_file = work / "plan.json"
    plan_file.write_text(prepared.stdout)
    plan = json.loads(prepared.stdout)
    for role, accounts in plan.items():
        if not accounts:
            sys.exit(f"the data has no {role} accounts: is {schema} a bench data set?")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (work / "gunicorn.log").open("wb")
    gunicorn = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": workers},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while not healthy(base):
            if gunicorn.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start:\n" + (work / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.5)
        print(f"gunicorn ×{workers} on {base}; locust: {users} users for {duration} …", flush=True)
        load_before = os.getloadavg()
        started = time.time()
        locust = subprocess.run(
            [
                PY,
                "-m",
                "locust",
                "-f",
                str(ROOT / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                spawn,
                "--run-time",
                duration,
                "--stop-timeout",
                "10",
                "--host",
                base,
                "--csv",
                str(work / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "LOAD_PLAN": str(plan_file)},
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.time() - started
        load_after = os.getloadavg()
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    stats_file = work / "locust_stats.csv"
    if not stats_file.exists():
        sys.exit("locust wrote no statistics:\n" + locust.stderr[-3000:])
    rows = list(csv.DictReader(stats_file.open(encoding="utf-8")))
    failures = list(csv.DictReader((work / "locust_failures.csv").open(encoding="utf-8")))

    def figures(row):
        return {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50": row["50%"],
            "p95": row["95%"],
            "p99": row["99%"],
            "max": round(float(row["Max Response Time"])),
            "rps": round(float(row["Requests/s"]), 1),
        }

    per_request = {
        f"{r['Type']} {r['Name']}": figures(r) for r in rows if r["Name"] != "Aggregated"
    }
    total = figures(next(r for r in rows if r["Name"] == "Aggregated"))
    result = {
        "database": f"{name}/{schema}",
        "users": users,
        "duration_s": round(elapsed),
        "gunicorn_workers": int(workers),
        "cpus": os.cpu_count(),
        "load_average_before_after": [round(load_before[0], 1), round(load_after[0], 1)],
        "machine": platform.platform(),
        "total": total,
        "requests": per_request,
        "failures": [
            {
                "request": f"{f['Method']} {f['Name']}",
                "error": f["Error"],
                "count": f["Occurrences"],
            }
            for f in failures
        ],
    }
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    lines = [
        f"{users} users, {round(elapsed)} s, {name}/{schema}, gunicorn ×{workers} on "
        f"{os.cpu_count()} CPUs (load average {load_before[0]:.1f} → {load_after[0]:.1f})",
        "",
        "| request | n | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, f in sorted(per_request.items()):
        lines.append(
            f"| `{label}` | {f['requests']} | {f['errors']} | {f['p50']} | {f['p95']} | "
            f"{f['p99']} | {f['max']} |"
        )
    lines.append(
        f"| **all** | {total['requests']} | {total['errors']} | {total['p50']} | {total['p95']} "
        f"| {total['p99']} | {total['max']} |"
    )
    for f in result["failures"]:
        lines.append(f"\nerror: {f['request']}: {f['error']} ×{f['count']}")
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    goal = total["errors"] == 0 and float(total["p95"]) < 200
    print(f"\ngoal (0 errors, p95 < 200 ms): {'met' if goal else 'NOT met'}")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
