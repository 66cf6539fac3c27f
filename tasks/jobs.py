"""Celery jobs of the tasks app: thin, with ids and dates in; the work is in the services."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .reminders import ReminderDeliveryError, reminders_send

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
