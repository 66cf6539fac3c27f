"""The Celery worker is killed (SIGKILL, as `kill -9`) in the middle of a rollup, round after
round: nothing is half-written (the chain runs in one transaction), the broker gives the job
back (late acknowledgement), and within a minute of a worker's return every rollup is what a
full recompute gives. Each round approves a new revision, so every job really changes rows.

Full count 20 kills (`make faults`), 2 in `make test`. Real worker processes on the shared test
Redis (a queue of the test's own) and the test database: PostgreSQL only.
"""

import time

from tasks.models import ProgressRollup
from tasks.rollups.compute import rollup_full
from tests.celery_worker import _stop
from tests.tasks.test_rollups import approve, row, snapshot

from .conftest import fault_count

KILLS = fault_count("kills", full=20, reduced=2)
CORRECT_WITHIN = 60  # seconds after the worker's return
ENV = {"QHSTA_TEST_VISIBILITY": "2"}  # taken, unacknowledged jobs come back after 2 s


def test_worker_killed_mid_rollup_again_and_again_loses_nothing(
    postgres, celery_workers, rollup_world
):
    _orgs, periods, task, w1, _w2, a = rollup_world
    q2 = periods[2]
    approve(a["xining"], q2, 10)
    rollup_full(task.plan, q2)
    recovery = []
    for number in range(KILLS):
        who = ("datong", "haixi", "xining")[number % 3]
        percent = 11 + number * 4  # a new figure every round
        approve(a[who], q2, percent, revision=2 + number)
        before = snapshot()
        args = {
            "work_item_id": w1.pk,
            "period_id": q2.pk,
            "organization_id": a[who].organization_id,
        }

        doomed = celery_workers(
            app="tests.slow_celery", env={**ENV, "QHSTA_TEST_PAUSE_CHAIN": "120"}
        )
        job = doomed.send("tasks.jobs.recompute_chain", kwargs=args)
        doomed.wait_log("chain paused mid-job")  # assignment and work item rows written
        doomed.kill()  # SIGKILL
        assert snapshot() == before, f"kill {number + 1}: a half-written rollup is visible"

        returned = time.monotonic()
        worker = celery_workers(app="tests.slow_celery", env=ENV)
        assert worker.wait(job, timeout=CORRECT_WITHIN) == "'ok'", f"kill {number + 1}"
        after = snapshot()
        recovery.append(time.monotonic() - returned)
        _stop(worker.process)

        assert after != before, f"kill {number + 1}: the redelivered job changed nothing"
        keys = list(ProgressRollup.objects.values_list("period", "level", "subject_id", "org_key"))
        assert len(set(keys)) == len(keys), f"kill {number + 1}: duplicate rollup rows"
        assert not ProgressRollup.objects.filter(stale=True).exists()
        rollup_full(task.plan, q2)
        assert snapshot() == after, f"kill {number + 1}: the chain differs from a full recompute"
        assert recovery[-1] < CORRECT_WITHIN

    assert row(q2, "work_item", w1.pk).reported is not None
    print(f"\n{KILLS} kills; correct after the worker's return in max {max(recovery):.1f} s")
