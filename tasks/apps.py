"""App config of carrying out the key tasks; hands the rollup outbox its Celery jobs at start-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    """Carrying out the key tasks: work items, assignments, periods, reports, rollups."""

    name = "tasks"
    verbose_name = _("Task implementation")

    def ready(self):
        from . import jobs, rollup_triggers
        from .rollups import outbox

        # The outbox publishes these jobs; it cannot import tasks.jobs, which imports it.
        outbox.outbox_jobs(
            chain=jobs.recompute_chain,
            indicator=jobs.recompute_indicator,
            period=jobs.recompute_period,
        )
        rollup_triggers.connect()
