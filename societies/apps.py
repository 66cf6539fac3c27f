"""App config of the learned societies."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocietiesConfig(AppConfig):
    """Learned societies: registry, councils, re-elections, evaluation."""

    name = "societies"
    verbose_name = _("Learned societies")
