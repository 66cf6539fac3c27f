"""Rollups with a real Redis broker and real Celery workers (PostgreSQL only: the workers share
the test database; on SQLite these are skipped, in CI they fail instead).

The broker goes down while a report is approved: the approval still succeeds at once, the outbox
row stays pending and the chain is flagged stale; with the broker back, the relay publishes it
and the worker brings the rollups up to date. A worker killed in the middle of a chain recompute
loses nothing: the job is given back by the broker (late acknowledgement) and the next worker
finishes it with the same rows as a full recompute.
"""

import contextlib
import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tasks import jobs
from tasks.models import IndicatorRollup, ProgressReport, ProgressRollup, RollupRequest
from tasks.rollups.compute import rollup_full
from tasks.rollups.outbox import rollup_relay
from tasks.services import report_approve

from .test_rollups import approve, make_indicator, row, snapshot

PUBLISH_BOUND_SECONDS = 5  # the broker timeouts of the settings are 3 s to connect, 5 s to send


@pytest.fixture
def reviewer(transactional_db):
    return get_user_model().objects.create_superuser("t_worker_reviewer", "w@example.invalid", "x")


@contextlib.contextmanager
def publishing_to(url: str):
    """The portal's own publishing (apply_async) goes to `url` while the block runs."""
    app = jobs.recompute_chain.app
    conf = app.conf
    saved = conf.broker_write_url, conf.task_always_eager

    def fresh_connections():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    fresh_connections()
    conf.broker_write_url, conf.task_always_eager = url, False
    try:
        yield
    finally:
        fresh_connections()
        conf.broker_write_url, conf.task_always_eager = saved


def no_stale_rows() -> bool:
    return not (
        ProgressRollup.objects.filter(stale=True).exists()
        or IndicatorRollup.objects.filter(stale=True).exists()
    )


def test_broker_down_save_succeeds_and_relay_with_worker_brings_rollups_up_to_date(
    private_redis, celery_workers, rollup_world, reviewer
):
    orgs, periods, task, w1, _w2, a = rollup_world
    q2 = periods[2]
    ind = make_indicator(task.plan, "down", "sum")
    a["datong"].indicators.set([ind])
    approve(a["xining"], q2, 10)
    rollup_full(task.plan, q2)
    report = ProgressReport.objects.create(
        assignment=a["datong"],
        period=q2,
        organization=a["datong"].organization,
        state="submitted",
        percent_complete=50,
    )
    with publishing_to(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        report_approve(user=reviewer, report=report)  # commits; publishing fails after commit
        elapsed = time.monotonic() - started
        assert elapsed < PUBLISH_BOUND_SECONDS, f"the approval waited {elapsed:.1f} s"
        assert ProgressReport.objects.get(pk=report.pk).state == "approved"
        request = RollupRequest.objects.get(work_item__isnull=False)  # the approval's chain
        assert request.published_at is None and request.attempts == 1
        for level, subject in (
            ("work_item", w1.pk),
            ("key_task", task.pk),
            ("group", task.group_id),
            ("plan", task.plan_id),
        ):
            for org in (None, orgs["xining"], orgs["xining-datong"]):
                stale = row(q2, level, subject, org)
                assert stale.stale and stale.stale_since is not None, (level, org)
        assert not row(q2, "work_item", w1.pk, orgs["haixi"]).stale  # not in the chain
        assert IndicatorRollup.objects.get(indicator=ind, period=q2, org_key=0).stale
        assert row(q2, "work_item", w1.pk, orgs["xining"]).progress == Decimal("6.67")  # as was

        private_redis.start()  # the broker is back, and the worker with it
        worker = celery_workers(broker_url=private_redis.url, queue="celery")
        # what beat runs every minute: the chain (and any period recompute the set-up queued)
        assert rollup_relay() >= 1
        worker.wait_for("tasks.jobs.recompute_chain", timeout=30)

    assert RollupRequest.objects.get(work_item__isnull=False).published_at is not None
    assert no_stale_rows()
    assert row(q2, "work_item", w1.pk, orgs["xining"]).progress == Decimal("23.33")  # (20+50)/3
    incremental = snapshot()
    rollup_full(task.plan, q2)
    assert snapshot() == incremental


def test_worker_killed_mid_job_is_redelivered_and_finishes_with_the_same_rows(
    celery_workers, rollup_world
):
    orgs, periods, task, w1, _w2, a = rollup_world
    q2 = periods[2]
    approve(a["xining"], q2, 10)
    rollup_full(task.plan, q2)
    approve(a["datong"], q2, 50)  # approved since: the chain recompute will change the rows
    before = snapshot()
    args = {"work_item_id": w1.pk, "period_id": q2.pk, "organization_id": orgs["xining-datong"].pk}
    env = {"QHSTA_TEST_VISIBILITY": "2"}  # taken, unacknowledged jobs come back after 2 s

    first = celery_workers(app="tests.slow_celery", env={**env, "QHSTA_TEST_PAUSE_CHAIN": "60"})
    job = first.send("tasks.jobs.recompute_chain", kwargs=args)
    first.wait_log("chain paused mid-job")  # the assignment and work item rows are written
    first.kill()
    assert snapshot() == before  # its transaction died with it: nothing half-written

    second = celery_workers(app="tests.slow_celery", env=env)
    assert second.wait(job, timeout=30) == "'ok'"  # the same job, given back by the broker
    assert "chain paused" not in second.log()

    after = snapshot()
    assert after != before
    assert row(q2, "work_item", w1.pk, orgs["xining"]).progress == Decimal("23.33")
    keys = ProgressRollup.objects.values_list("period", "level", "subject_id", "org_key")
    assert len(set(keys)) == len(keys)  # no duplicate rows
    assert no_stale_rows()
    rollup_full(task.plan, q2)
    assert snapshot() == after
