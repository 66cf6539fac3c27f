"""Redis (the Celery broker) is stopped for a minute while officers submit reports and reviewers
approve them, with a real worker and a real beat running: no request hangs, every submitted
report is there afterwards with its whole history, and within two minutes of Redis's return the
worker and beat have reconnected by themselves, the outbox relay has published every pending
chain and every rollup is what a full recompute gives.

Full outage 60 s with the portal's relay schedule (every minute) in `make faults`; in `make test`
an outage of 6 s and the relay every 5 s. The Redis is the test's own (the shared one is never
stopped); the database is the PostgreSQL test database.
"""

import os
import subprocess
import sys
import time

from django.conf import settings
from django.db import connections
from django.test import Client

from tasks.models import (
    Assignment,
    IndicatorRollup,
    ProgressReport,
    ProgressRollup,
    RollupRequest,
    WorkItem,
)
from tasks.rollups.compute import rollup_full
from tests.celery_worker import _stop, database_url_for_worker
from tests.tasks.test_rollup_worker import publishing_to
from tests.tasks.test_rollups import snapshot

from .conftest import fault_count

DOWN_SECONDS = fault_count("redis_down", full=60, reduced=6)
RELAY_SECONDS = 0 if DOWN_SECONDS >= 60 else 5  # 0: the portal's own schedule (every minute)
REPORTS = fault_count("redis_reports", full=12, reduced=4)  # work items; two reports each
REQUEST_BOUND = 5  # seconds: the broker timeouts are 3 s to connect, 5 s to send
CORRECT_WITHIN = 120  # seconds after Redis is back
FORM = {
    "percent_complete": "40",
    "progress_status": "on_track",
    "narrative": "完成阶段性工作。",
    "problems": "",
    "next_steps": "继续推进。",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < REQUEST_BOUND, f"{args[0]} took {elapsed:.1f} s"
    assert response.status_code in (200, 302), (args[0], response.status_code)
    return response, elapsed


def start_beat(broker_url: str, workdir) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "qhsta.settings.test"),
        "DATABASE_URL": database_url_for_worker(connections["default"].settings_dict),
        "CELERY_BROKER_URL": broker_url,
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if RELAY_SECONDS:
        env["QHSTA_FAULT_RELAY_SECONDS"] = str(RELAY_SECONDS)
    log = (workdir / "beat.log").open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.faults.celery_app",
            "beat",
            "--loglevel=INFO",
            f"--schedule={workdir / 'celerybeat-schedule'}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def rollups_settled() -> bool:
    return not (
        RollupRequest.objects.filter(published_at__isnull=True).exists()
        or ProgressRollup.objects.filter(stale=True).exists()
        or IndicatorRollup.objects.filter(stale=True).exists()
    )


def test_redis_down_for_a_minute_while_reports_are_submitted(
    postgres, private_redis, celery_workers, reporting, tmp_path
):
    r = reporting
    items = [
        WorkItem.objects.create(
            key_task=r.work_item.key_task,
            year=2025,
            title=f"故障演练工作 {n}",
            weight=1,
            due_date=r.work_item.due_date,
        )
        for n in range(REPORTS)
    ]
    assignments = []
    for item in items:
        assignments.append(
            Assignment.objects.create(
                work_item=item, organization=r.xining.organization, role="lead"
            )
        )
        assignments.append(
            Assignment.objects.create(
                work_item=item, organization=r.haixi.organization, role="supporting"
            )
        )
    plan = r.work_item.key_task.plan
    rollup_full(plan, r.period)
    officers = {
        r.xining.organization_id: client_for(r.users["xining_officer"]),
        r.haixi.organization_id: client_for(r.users["haixi_officer"]),
    }
    reviewer = client_for(r.users["reviewer"])

    with publishing_to(private_redis.url):
        worker = celery_workers(
            broker_url=private_redis.url, queue="celery", app="tests.faults.celery_app"
        )
        beat = start_beat(private_redis.url, tmp_path)
        try:
            private_redis.stop()
            down_at = time.monotonic()
            slowest = 0.0
            submitted = []
            gap = DOWN_SECONDS * 0.8 / len(assignments)
            for number, assignment in enumerate(assignments):
                officer = officers[assignment.organization_id]
                _, t1 = timed(
                    officer.post, f"/assignments/{assignment.pk}/periods/{r.period.pk}/report/"
                )
                report = ProgressReport.objects.get(assignment=assignment, period=r.period)
                _, t2 = timed(
                    officer.post,
                    f"/reports/{report.pk}/edit/",
                    {
                        **FORM,
                        "percent_complete": str(10 + number),
                        "version": report.version,
                        "submit": "1",
                    },
                )
                report.refresh_from_db()
                assert report.state == "submitted"
                _, t3 = timed(
                    reviewer.post,
                    f"/reports/{report.pk}/review/",
                    {"decision": "approve", "version": report.version},
                )
                slowest = max(slowest, t1, t2, t3)
                submitted.append(report.pk)
                time.sleep(max(0.0, down_at + gap * (number + 1) - time.monotonic()))
            assert not private_redis.alive()
            pending = RollupRequest.objects.filter(published_at__isnull=True).count()
            assert pending == len(submitted)  # every approval waits in the outbox
            time.sleep(max(0.0, down_at + DOWN_SECONDS - time.monotonic()))

            private_redis.start()
            back_at = time.monotonic()
            deadline = back_at + CORRECT_WITHIN
            while not rollups_settled():
                assert beat.poll() is None, (tmp_path / "beat.log").read_text()[-3000:]
                assert time.monotonic() < deadline, (
                    f"rollups not up to date {CORRECT_WITHIN} s after Redis's return:\n"
                    + worker.log()[-3000:]
                )
                time.sleep(1)
            settled = time.monotonic() - back_at
        finally:
            _stop(beat)

    # every submitted report is there, approved, with its whole history
    for pk in submitted:
        report = ProgressReport.objects.get(pk=pk)
        assert report.state == "approved"
        states = list(report.history.order_by("history_date").values_list("state", flat=True))
        assert states[0] == "draft" and "submitted" in states and states[-1] == "approved", states
    assert ProgressReport.objects.filter(pk__in=submitted).count() == len(submitted)
    # the incremental rollups are exactly what a full recompute gives
    incremental = snapshot()
    rollup_full(plan, r.period)
    assert snapshot() == incremental
    print(
        f"\nRedis down {DOWN_SECONDS} s, {len(submitted)} reports submitted and approved, "
        f"slowest request {slowest:.2f} s; rollups up to date {settled:.0f} s after Redis's return"
    )
