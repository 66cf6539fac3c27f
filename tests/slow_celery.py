"""The qhsta Celery app for the worker-loss test (`celery -A tests.slow_celery worker`).

QHSTA_TEST_VISIBILITY=<seconds>: the Redis broker gives a job taken but not acknowledged back to
its queue after that many seconds (checked every second), instead of after an hour.
QHSTA_TEST_PAUSE_CHAIN=<seconds>: a chain recompute logs "chain paused mid-job" and sleeps after
writing its assignment and work item rows, inside its transaction, so the test can kill it there.
Nothing of this is loaded by the portal's own worker.
"""

import os
import time

from celery.signals import task_prerun

from qhsta.celery import app

__all__ = ["app"]

if visibility := float(os.environ.get("QHSTA_TEST_VISIBILITY") or 0):
    app.conf.broker_transport_options = {
        **(app.conf.broker_transport_options or {}),
        "visibility_timeout": visibility,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


@task_prerun.connect
def _pause_chain(task=None, **_kwargs):
    pause = float(os.environ.get("QHSTA_TEST_PAUSE_CHAIN") or 0)
    if not pause or task is None or task.name != "tasks.jobs.recompute_chain":
        return
    from tasks.rollups import compute as rollups

    if getattr(rollups._level, "paused", False):
        return
    level_step = rollups._level

    def paused(level, *args, **kwargs):
        if level == rollups.RollupLevel.KEY_TASK:
            print("chain paused mid-job", flush=True)
            time.sleep(pause)
        return level_step(level, *args, **kwargs)

    paused.paused = True
    rollups._level = paused
