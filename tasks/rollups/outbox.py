"""The rollup outbox: a recompute requested in the transaction that changed a figure's inputs
(an approval, a correction, a register's fed value), published to the broker after commit, and
the relay and nightly jobs' work that settles what the broker missed.

The Celery jobs it publishes are handed over by TasksConfig.ready() (`outbox_jobs`), so this
module never imports tasks.jobs, which imports it.
"""

import logging

from django.db import models, transaction
from django.utils import timezone

from ..models import ReportingPeriod
from .compute import rollup_full, rollup_mark_indicator_stale, rollup_mark_stale

logger = logging.getLogger(__name__)

_jobs: dict[str, object] = {}


def outbox_jobs(*, chain, indicator) -> None:
    """Name the Celery jobs that recompute a report's chain and one fed indicator."""
    _jobs.update(chain=chain, indicator=indicator)


def _job(kind: str):
    return _jobs[kind]


def rollup_request(report) -> None:
    """In the transaction that approved `report`: write the outbox row and publish it after
    commit. Publishing is bounded and never raises into the request; when it fails the row
    stays pending (the relay job publishes it) and the chain's rollups are marked stale."""
    rollup_enqueue(report.assignment.work_item_id, report.period_id, report.organization_id)


def rollup_correcting(report) -> None:
    """In the transaction that opened a correction of `report`: flag its chain stale at once and
    recompute it through the outbox (the values taken back into the draft stop counting, the
    rows resting on the corrected report stay stale until the correction is approved)."""
    rollup_mark_stale(report.assignment.work_item, report.period, report.organization)
    rollup_enqueue(report.assignment.work_item_id, report.period_id, report.organization_id)


def rollup_enqueue(
    work_item_id: int | None, period_id: int, organization_id: int, indicator_id: int | None = None
) -> None:
    """Write an outbox row (a report's chain, or one fed indicator) in the current transaction
    and publish it after commit."""
    from ..models import RollupRequest

    request = RollupRequest.objects.create(
        work_item_id=work_item_id,
        indicator_id=indicator_id,
        period_id=period_id,
        organization_id=organization_id,
    )
    transaction.on_commit(lambda: rollup_publish(request.pk))


def rollup_publish(request_id: int) -> bool:
    """Send one outbox row to the broker; on failure flag its chain stale and leave it pending."""
    from ..models import RollupRequest

    request = RollupRequest.objects.filter(pk=request_id, published_at__isnull=True).first()
    if request is None:
        return True
    RollupRequest.objects.filter(pk=request_id).update(attempts=models.F("attempts") + 1)
    where = {"period_id": request.period_id, "organization_id": request.organization_id}
    if request.work_item_id:
        job, kwargs = _job("chain"), {"work_item_id": request.work_item_id, **where}
    else:
        job, kwargs = _job("indicator"), {"indicator_id": request.indicator_id, **where}
    try:
        job.apply_async(kwargs=kwargs, retry=False)
    except Exception:  # the broker is down or hangs: the relay job tries again
        logger.warning("rollup request %s not published", request_id)
        if request.work_item_id:
            rollup_mark_stale(request.work_item, request.period, request.organization)
        else:
            rollup_mark_indicator_stale(request.indicator_id, request.period, request.organization)
        return False
    RollupRequest.objects.filter(pk=request_id).update(published_at=timezone.now())
    return True


def rollup_relay(limit: int = 500) -> int:
    """Publish the outbox rows still pending (beat: every minute); returns how many went."""
    from ..models import RollupRequest

    pending = RollupRequest.objects.filter(published_at__isnull=True).values_list("pk", flat=True)
    return sum(rollup_publish(pk) for pk in list(pending[:limit]))


def rollup_all() -> int:
    """Recompute every running plan's rollups for each period that has started (beat: nightly);
    outbox rows older than the run are settled by it."""
    from ..models import RollupRequest

    started, today, count = timezone.now(), timezone.localdate(), 0
    for period in ReportingPeriod.objects.filter(starts_on__lte=today).select_related("plan"):
        rollup_full(period.plan, period)
        count += 1
    RollupRequest.objects.filter(published_at__isnull=True, created_at__lte=started).update(
        published_at=timezone.now()
    )
    return count
