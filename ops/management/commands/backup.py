"""`manage.py backup`: one archive of the database and the evidence files with a checksum manifest."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create


class Command(BaseCommand):
    # A backup or restore must run even while a check of the code would fail.
    requires_system_checks: list = []
    help = (
        "Back up the database and the uploaded evidence files into one archive with a checksum "
        "manifest (consistent while the portal runs). Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="the archive to write, or a folder to write a dated archive in "
            "(default: $BACKUP_DIR, else var/backups/)",
        )

    def handle(self, *args, output=None, **options):
        target = (
            output
            or os.environ.get("BACKUP_DIR")
            or str(Path(settings.BASE_DIR) / "var" / "backups")
        )
        if output is None:
            target = target.rstrip(os.sep) + os.sep
        try:
            result = backup_create(Path(target))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        rows = sum(result.tables.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {result.path} ({result.bytes / 1e6:.1f} MB; "
                f"{len(result.tables)} tables, {rows} rows; {result.files} files)"
            )
        )
