"""Read filters of plans (the current plan)."""

from django.utils import timezone

from qhsta.scoping import ScopedQuerySet


class PlanQuerySet(ScopedQuerySet):
    def current(self):
        """The plan running this year; otherwise the most recent one that has started (one query)."""
        year = timezone.localdate().year
        plans = list(self.order_by("-start_year"))  # a handful of rows
        started = [p for p in plans if p.start_year <= year]
        running = [p for p in started if p.end_year >= year]
        return (running or started or plans or [None])[0]
