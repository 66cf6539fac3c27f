"""Operating the portal: backup and restore of the database and evidence, and the demo data loader."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Sits above every app: `load_demo` calls each app's demo loader, `backup` reads their tables."""

    name = "ops"
    verbose_name = _("Operations")
