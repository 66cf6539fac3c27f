"""App config of the think tank."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThinktankConfig(AppConfig):
    """Think tank: research topics, experts, suggestions from scientists."""

    name = "thinktank"
    verbose_name = _("Think tank")
