"""`manage.py load_plan`: check a plan data file whole, then load it in one transaction, creating only what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plan.plan_file import PlanFileError
from plan.services import plan_load


class Command(BaseCommand):
    help = "Load a five-year plan from its data file. Creates what is missing; never changes or removes existing rows."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(settings.PLAN_DATA_FILE))

    def handle(self, *args, path, **options):
        try:
            result = plan_load(path=path)
        except PlanFileError as exc:
            raise CommandError(f"nothing was loaded: {exc}") from exc
        created = sum(result.created.values())
        kept = sum(result.kept.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.plan.code}: {result.plan.title}: {created} rows created, "
                f"{kept} already present and left as they are"
            )
        )
