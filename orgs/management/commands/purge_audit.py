"""Purge the audit log entries older than the retention period (never younger than 180 days)."""

from django.core.management.base import BaseCommand

from orgs.audit import audit_purge, retention_days


class Command(BaseCommand):
    help = "Delete audit log entries older than the retention period (at least 180 days)."

    def handle(self, *args, **options):
        purged = audit_purge()
        self.stdout.write(f"audit log: {purged} entries older than {retention_days()} days purged")
