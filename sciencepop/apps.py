"""App config of the science-popularisation registers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SciencepopConfig(AppConfig):
    """Science popularisation: literacy surveys, venues, bases and events."""

    name = "sciencepop"
    verbose_name = _("Science popularisation")
