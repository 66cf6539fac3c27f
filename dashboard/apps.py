"""App config of the dashboard: leadership's pages over the stored rollups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Leadership dashboards, drill-down, Excel exports and the evaluation report."""

    name = "dashboard"
    verbose_name = _("Dashboards")
