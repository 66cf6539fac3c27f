"""Verify the audit log's hash chain; name the first broken entry and exit non-zero."""

from django.core.management.base import BaseCommand, CommandError

from orgs.audit import chain_verify
from orgs.models import AccessEvent


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain; names the first broken entry and exits non-zero. "
        "Keep the printed head hash outside the database to anchor later checks."
    )

    def handle(self, *args, **options):
        checked, broken = chain_verify()
        if broken is not None:
            raise CommandError(
                f"audit log broken at entry #{broken.entry_id}: {broken.reason} "
                f"({checked} entries before it verified)"
            )
        head = AccessEvent.objects.order_by("-id").values_list("id", "hash").first()
        head_text = f"; head #{head[0]} {head[1]}" if head else ""
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} entries{head_text}"))
