"""An indicator's status against its five-year path (on the path, behind, far behind, reached)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PathStatus(models.TextChoices):
    """Where an indicator stands against the path from its baseline to its target."""

    ACHIEVED = "achieved", _("Target reached")
    PROVISIONAL = "provisional", _("Target reached, provisional: not every unit has reported")
    ON_TRACK = "on_track", _("On the path")
    AT_RISK = "at_risk", _("Behind the path")
    OFF_TRACK = "off_track", _("Far behind the path")
    NO_PATH = "no_path", _("No baseline to draw a path")
    NO_DATA = "no_data", _("No value yet")
