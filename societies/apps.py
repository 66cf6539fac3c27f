"""App config of the learned societies."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocietiesConfig(AppConfig):
    """Learned societies: registry, councils, re-elections, evaluation."""

    name = "societies"
    verbose_name = _("Learned societies")

    def ready(self):
        from tasks.plausibility import register_feed

        from .selectors import COUNCIL_SHARE, STANDING_COUNCIL_SHARE

        # their values come from the council register only: read-only in reports and the API
        for code in (COUNCIL_SHARE, STANDING_COUNCIL_SHARE):
            register_feed(code, _("fed automatically from the societies' council register"))
