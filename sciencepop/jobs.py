"""Celery jobs of science popularisation: thin, the work is in the services."""

from celery import shared_task


@shared_task
def feed_venue_coverage() -> int:
    """Feed every county's venue coverage for each plan year up to today (idempotent: unchanged
    values write nothing). Venue changes feed their county at once; this job adds a new year's
    values, counties added to the tree, and venues changed in the admin by hand."""
    from .services import venue_coverage_feed_all

    return venue_coverage_feed_all()
