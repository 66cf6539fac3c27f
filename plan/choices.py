"""How an indicator aggregates (sum, mean, min, max, latest, ratio) and compares with its target."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    """How an indicator's values combine across organisations and periods."""

    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    LATEST = "latest", _("Latest")
    RATIO = "ratio", _("Ratio (numerator and denominator summed separately)")


class Comparison(models.TextChoices):
    """How an indicator's actual value is compared with its target."""

    AT_LEAST = "gte", _("at least")
    AT_MOST = "lte", _("at most")
