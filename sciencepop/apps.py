"""App config of the science-popularisation registers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SciencepopConfig(AppConfig):
    """Science popularisation: literacy surveys, venues, bases and events."""

    name = "sciencepop"
    verbose_name = _("Science popularisation")

    def ready(self):
        from tasks.plausibility import register_feed

        from .services import COVERAGE_INDICATOR, LITERACY_INDICATOR

        # their values come from the registers only: read-only in reports, imports and the API
        register_feed(
            LITERACY_INDICATOR, _("fed automatically from the science literacy survey register")
        )
        register_feed(COVERAGE_INDICATOR, _("fed automatically from the science venue register"))
