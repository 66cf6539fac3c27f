"""`manage.py sciencepop_indicators`: creates the portal-defined county venue coverage indicator in each plan."""

from django.core.management.base import BaseCommand

from plan.models import Plan
from sciencepop.services import coverage_indicator_ensure, venue_coverage_feed_all


class Command(BaseCommand):
    help = (
        "Create the portal-defined indicator “share of counties with a science venue” in every "
        "plan that lacks it (never changes an existing one), then feed every county's coverage."
    )

    def handle(self, *args, **options):
        created = [p.code for p in Plan.objects.all() if coverage_indicator_ensure(plan=p)[1]]
        fed = venue_coverage_feed_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"county venue coverage: indicator created in {len(created)} plans "
                f"({', '.join(created) or '—'}); {fed} county values written or confirmed"
            )
        )
