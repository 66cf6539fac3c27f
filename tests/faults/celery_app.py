"""The qhsta Celery app for the fault tests (`celery -A tests.faults.celery_app worker|beat`).

QHSTA_FAULT_RELAY_SECONDS=<s>: beat runs the outbox relay every <s> seconds instead of every
minute (the reduced `make test` run); unset, the portal's own schedule is used as it is.
Nothing of this is loaded by the portal's own processes.
"""

import os

from qhsta.celery import app

__all__ = ["app"]

if every := float(os.environ.get("QHSTA_FAULT_RELAY_SECONDS") or 0):
    from django.conf import settings

    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    schedule["relay-rollup-requests"] = {**schedule["relay-rollup-requests"], "schedule": every}
    app.conf.beat_schedule = schedule
