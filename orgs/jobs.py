"""Celery jobs of the orgs app."""

from celery import shared_task

from .audit import audit_purge


@shared_task
def purge_audit_log() -> dict:
    """Delete audit log entries past the retention period (beat: daily); never younger ones."""
    return {"purged": audit_purge()}
