"""The rollup outbox: a recompute requested in the transaction that changed a figure's inputs
(an approval, a correction, a register's fed value), published to the broker after commit, and
the relay and nightly jobs' work that settles what the broker missed.

The Celery jobs it publishes are handed over by TasksConfig.ready() (`outbox_jobs`), so this
module never imports tasks.jobs, which imports it.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import models, transaction
from django.utils import timezone

from ..models import ReportingPeriod
from .compute import later_periods, rollup_full, rollup_mark_indicator_stale, rollup_mark_stale

logger = logging.getLogger(__name__)

_jobs: dict[str, object] = {}


def outbox_jobs(*, chain, indicator, period) -> None:
    """Name the Celery jobs that recompute a report's chain, one fed indicator, a whole period."""
    _jobs.update(chain=chain, indicator=indicator, period=period)


def _job(kind: str):
    return _jobs[kind]


# ---- periods due for a full recompute (tasks.rollup_triggers) ------------------------------

_local = threading.local()


@contextmanager
def rollups_deferred():
    """Collect the periods touched inside the block (changes and approvals alike) and queue a
    full recompute of each once at its end: what a bulk loader wraps its work in."""
    outer = getattr(_local, "pending", None) is None
    if outer:
        _local.pending = set()
    try:
        yield
    finally:
        if outer:
            pending, _local.pending = _local.pending, None
            if pending:
                rollup_enqueue_full(sorted(pending))


def deferring() -> bool:
    """Whether a bulk load is collecting the periods to recompute."""
    return getattr(_local, "pending", None) is not None


def periods_due(period_ids) -> None:
    """Queue a full recompute of these periods (collected while rollups are deferred)."""
    ids = {int(pk) for pk in period_ids if pk}
    if not ids:
        return
    if deferring():
        _local.pending.update(ids)
    else:
        rollup_enqueue_full(ids)


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

    if deferring():  # a bulk load: the period and the later ones recomputed whole at its end
        period = ReportingPeriod.objects.get(pk=period_id)
        periods_due([period_id, *(p.pk for p in later_periods(period))])
        return
    request = RollupRequest.objects.create(
        work_item_id=work_item_id,
        indicator_id=indicator_id,
        period_id=period_id,
        organization_id=organization_id,
    )
    transaction.on_commit(lambda: rollup_publish(request.pk))


def rollup_enqueue_full(period_ids) -> None:
    """Write an outbox row for a full recompute of each period (in the current transaction) and
    publish it after commit: what keeps every period's figures complete when its work items,
    assignments, indicators or the organisation tree change (tasks.rollup_triggers)."""
    from ..models import RollupRequest

    rows = ReportingPeriod.objects.filter(pk__in=list(period_ids)).values_list(
        "pk", "plan__organization_id"
    )
    requests = RollupRequest.objects.bulk_create(
        RollupRequest(period_id=pk, organization_id=org_id) for pk, org_id in rows
    )
    for request in requests:
        transaction.on_commit(lambda pk=request.pk: rollup_publish(pk))


def rollup_publish(request_id: int) -> bool:
    """Send one outbox row to the broker; on failure flag its chain stale and leave it pending.
    A period's full recompute is sent once for all its pending rows (it reads them all)."""
    from ..models import RollupRequest

    request = RollupRequest.objects.filter(pk=request_id, published_at__isnull=True).first()
    if request is None:
        return True
    RollupRequest.objects.filter(pk=request_id).update(attempts=models.F("attempts") + 1)
    where = {"period_id": request.period_id, "organization_id": request.organization_id}
    same = RollupRequest.objects.filter(pk=request_id)
    if request.work_item_id:
        job, kwargs = _job("chain"), {"work_item_id": request.work_item_id, **where}
    elif request.indicator_id:
        job, kwargs = _job("indicator"), {"indicator_id": request.indicator_id, **where}
    else:
        job, kwargs = _job("period"), {"period_id": request.period_id}
        # the period's other pending full rows are committed: one job covers them all
        same = RollupRequest.objects.filter(
            period_id=request.period_id,
            work_item__isnull=True,
            indicator__isnull=True,
            published_at__isnull=True,
        )
    try:
        job.apply_async(kwargs=kwargs, retry=False)
    except Exception:  # the broker is down or hangs: the relay job tries again
        logger.warning("rollup request %s not published", request_id)
        if request.work_item_id:
            rollup_mark_stale(request.work_item, request.period, request.organization)
        elif request.indicator_id:
            rollup_mark_indicator_stale(request.indicator_id, request.period, request.organization)
        return False
    same.update(published_at=timezone.now())
    return True


def rollup_relay(limit: int = 500) -> int:
    """Publish the outbox rows still pending (beat: every minute); returns how many went."""
    from ..models import RollupRequest

    pending = RollupRequest.objects.filter(published_at__isnull=True).values_list("pk", flat=True)
    return sum(rollup_publish(pk) for pk in list(pending[:limit]))


def rollup_all() -> int:
    """Recompute every plan's rollups for each of its periods (beat: nightly; a period's figures
    exist from its opening on, carried from earlier ones until reports come); outbox rows older
    than the run are settled by it."""
    from ..models import RollupRequest

    started, count = timezone.now(), 0
    for period in ReportingPeriod.objects.select_related("plan").order_by("plan", "ends_on"):
        rollup_full(period.plan, period)
        count += 1
    RollupRequest.objects.filter(published_at__isnull=True, created_at__lte=started).update(
        published_at=timezone.now()
    )
    return count
