"""Celery jobs of the societies app: thin; the work is in the services."""

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def refresh_council_shares(self, day: str | None = None) -> dict:
    """Feed every society's council figures again (beat: daily). This year's figure counts the
    members serving today, so a member's joining or leaving date that falls today changes it
    without anyone editing the list. A no-op for figures that did not change."""
    from .services import council_shares_refresh_all

    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    return {"date": today.isoformat(), "periods": council_shares_refresh_all(today=today)}
