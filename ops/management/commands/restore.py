"""`manage.py restore`: check an archive against its manifest, then load it (or `--check` only)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, archive_verify, restore_archive


class Command(BaseCommand):
    # A backup or restore must run even while a check of the code would fail.
    requires_system_checks: list = []
    help = (
        "Restore an archive written by `manage.py backup`: checks every file against the "
        "manifest first and refuses a damaged archive without changing anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file written by `manage.py backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the contents of a database that has the portal's tables already, and "
            "files that differ (stop the web and worker processes first)",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check the archive against its manifest; change nothing",
        )

    def handle(self, *args, archive, replace=False, check=False, **options):
        try:
            if check:
                manifest = archive_verify(Path(archive))
                files = sum(1 for name in manifest["members"] if name.startswith("media/"))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{archive} is intact: {len(manifest['tables'])} tables, "
                        f"{sum(manifest['tables'].values())} rows, {files} files, "
                        f"made {manifest['created_at']}"
                    )
                )
                return
            result = restore_archive(Path(archive), replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {archive}: {len(result.tables)} tables, {sum(result.tables.values())} "
                f"rows (as in the manifest); {result.files_written} files written, "
                f"{result.files_kept} already there. Run `manage.py migrate` if this version is newer."
            )
        )
