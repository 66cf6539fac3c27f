"""Celery jobs of the tasks app: thin, with ids and dates in; the work is in the services."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .reporting.reminders import ReminderDeliveryError, reminders_send

RETRY_SECONDS = 10 * 60


@shared_task(bind=True, max_retries=3)
def send_report_reminders(self, day: str | None = None) -> dict:
    """E-mail every officer the reports due within 7 days or overdue, once a day (beat: daily).

    `day` is an ISO date (default: today in the portal's time zone). Running it again for the
    same day sends nothing new; reminders that could not be sent are retried for that same day.
    """
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    try:
        sent = reminders_send(today=today)
    except ReminderDeliveryError as exc:
        raise self.retry(
            kwargs={"day": today.isoformat()}, exc=exc, countdown=RETRY_SECONDS
        ) from exc
    return {"date": today.isoformat(), "sent": len(sent)}


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def recompute_chain(self, work_item_id: int, period_id: int, organization_id: int) -> str:
    """Recompute the rollups one report can change; an upsert, so running it again (or twice at
    once) gives the same rows. A row deleted meanwhile is logged and the job returns."""
    from orgs.models import Organization

    from .models import ReportingPeriod, WorkItem
    from .rollups.compute import rollup_chain

    work_item = WorkItem.objects.filter(pk=work_item_id).first()
    period = ReportingPeriod.objects.filter(pk=period_id).first()
    if work_item is None or period is None:
        return "gone"
    organization = Organization.objects.filter(pk=organization_id).first()
    rollup_chain(work_item, period, organization)
    return "ok"


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def recompute_indicator(self, indicator_id: int, period_id: int, organization_id: int) -> str:
    """Recompute one indicator's rollups after a register fed a value (tasks.rollups.feeds); an upsert,
    safe to run again. A row deleted meanwhile makes the job return."""
    from orgs.models import Organization
    from plan.models import Indicator

    from .models import ReportingPeriod
    from .rollups.compute import rollup_indicator

    indicator = Indicator.objects.filter(pk=indicator_id).first()
    period = ReportingPeriod.objects.filter(pk=period_id).first()
    if indicator is None or period is None:
        return "gone"
    rollup_indicator(indicator, period, Organization.objects.filter(pk=organization_id).first())
    return "ok"


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def recompute_period(self, period_id: int) -> str:
    """Recompute every rollup of one period (its work items, assignments, indicators or the
    organisation tree changed); an upsert, safe to run again. A period deleted meanwhile makes
    the job return."""
    from .models import ReportingPeriod
    from .rollups.compute import rollup_full

    period = ReportingPeriod.objects.select_related("plan").filter(pk=period_id).first()
    if period is None:
        return "gone"
    rollup_full(period.plan, period)
    return "ok"


@shared_task
def recompute_all() -> int:
    """Nightly full recompute of every started period (beat)."""
    from .rollups.outbox import rollup_all

    return rollup_all()


@shared_task
def relay_rollup_requests() -> int:
    """Publish outbox rows the broker missed (beat: every minute)."""
    from .rollups.outbox import rollup_relay

    return rollup_relay()
