"""`manage.py load_demo`: the demo organisations and accounts (ops/demo.yaml), then every app's demo data."""

from argparse import BooleanOptionalAction
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgs.models import Organization
from orgs.services import (
    membership_grant,
    organization_tree_load,
    password_age_restart,
    user_ensure,
)
from tasks.demo import demo_reports_load
from tasks.rollups.outbox import rollups_deferred

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo.yaml"
DEMO_PASSWORD = "qhsta-demo-2026"  # noqa: S105 -- the published demo password


class Command(BaseCommand):
    help = (
        "Load the demo organisations and accounts (never in production), and the demo work items "
        "and reports. Keeps what users entered."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reports",
            action=BooleanOptionalAction,
            default=None,
            help="write the demo work items, assignments and reports (tasks/demo.py); "
            "default: settings.DEMO_REPORTS, on unless the settings turn it off (tests do)",
        )

    def handle(self, *args, **options):
        # every period's figures computed once at the end (and after the commit they read)
        with rollups_deferred(), transaction.atomic():
            self._load(**options)

    def _load(self, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("demo data is never loaded in production")
        call_command("load_orgs", verbosity=0)
        data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
        created = 0
        for parent_code, nodes in data["organizations"].items():
            parent = Organization.objects.get(code=parent_code)
            created += organization_tree_load(nodes=nodes, parent=parent)
        orgs = {o.code: o for o in Organization.objects.all()}
        for item in data["users"]:
            user = user_ensure(
                username=item["username"],
                full_name=item["name"],
                email=item.get("email", ""),
                password=DEMO_PASSWORD,
                is_superuser=item.get("superuser", False),
            )
            # the published demo password never expires nor counts as an initial one: the
            # demo and its browser tests log straight in (settings.IS_PRODUCTION refuses this)
            password_age_restart(user=user)
            for role, code in item["roles"]:
                membership_grant(user=user, organization=orgs[code], role=role)
        self.stdout.write(
            self.style.SUCCESS(
                f"demo: {created} organisations created, {len(data['users'])} accounts "
                f"(password {DEMO_PASSWORD})"
            )
        )
        with_reports = options.get("reports")
        if with_reports is None:
            with_reports = getattr(settings, "DEMO_REPORTS", True)
        if not with_reports:
            return
        reports = demo_reports_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo: {reports.periods} reporting periods, {reports.work_items} work items and "
                f"{reports.reports} reports created"
            )
        )
        for reason in reports.skipped:
            self.stdout.write(self.style.WARNING(f"demo: left out {reason}"))
        from societies.demo import societies_demo_load  # after the periods it feeds

        self.stdout.write(self.style.SUCCESS(societies_demo_load()))
        from sciencepop.demo import demo_load as sciencepop_demo_load
        from thinktank.demo import demo_load as thinktank_demo_load

        science = sciencepop_demo_load()
        self.stdout.write(self.style.SUCCESS(f"demo: science popularisation {science}"))
        self.stdout.write(self.style.SUCCESS(f"demo: think tank {thinktank_demo_load()}"))
