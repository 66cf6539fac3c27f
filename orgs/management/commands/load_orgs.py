"""`manage.py load_orgs`: the reference organisation tree (the provincial STA and the eight prefecture STAs), creating only what is missing."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand

from orgs.services import organization_tree_load

REFERENCE_FILE = Path(__file__).resolve().parents[2] / "data" / "organizations.yaml"


class Command(BaseCommand):
    help = (
        "Create the reference organisations (provincial STA, eight prefecture STAs) where missing."
    )

    def handle(self, *args, **options):
        nodes = yaml.safe_load(REFERENCE_FILE.read_text(encoding="utf-8"))
        created = organization_tree_load(nodes=nodes)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"organisations: {created} created"))
