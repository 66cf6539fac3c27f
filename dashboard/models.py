"""The dashboard's own settings: the indicator path thresholds of a plan (PathSettings)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qhsta.scoping import Scope, ScopedQuerySet


class PathSettings(models.Model):
    """How far a plan's indicators may fall short of their path to the target before they are
    shown behind (amber) or far behind (red)."""

    plan = models.OneToOneField(
        "plan.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="path_settings"
    )
    at_risk_shortfall = models.DecimalField(
        _("shortfall that puts an indicator behind the path (per cent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "How far the actual value may lag the value the path expects for the period, as a "
            "percentage of the planned change from the baseline to the target."
        ),
    )
    off_track_shortfall = models.DecimalField(
        _("shortfall that puts an indicator far behind the path (per cent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(25),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    scope = Scope(org_path="plan__organization__path", shared_down=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator path thresholds")
        verbose_name_plural = _("indicator path thresholds")

    def __str__(self) -> str:
        return str(self.plan)

    def clean(self) -> None:
        if (
            self.at_risk_shortfall is not None
            and self.off_track_shortfall is not None
            and self.off_track_shortfall < self.at_risk_shortfall
        ):
            raise ValidationError(
                {
                    "off_track_shortfall": _(
                        "Far behind must be at least as large a shortfall as behind."
                    )
                }
            )
