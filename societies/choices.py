"""A society's status and discipline, council members' categories and positions, evaluation outcomes, journal frequency."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SocietyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WARNED = "warned", _("Warned")
    EXITING = "exiting", _("Exiting")


class Discipline(models.TextChoices):
    SCIENCE = "science", _("Natural sciences")
    ENGINEERING = "engineering", _("Engineering and technology")
    AGRICULTURE = "agriculture", _("Agriculture")
    MEDICINE = "medicine", _("Medicine and health")
    INTERDISCIPLINARY = "interdisciplinary", _("Interdisciplinary and popularisation")


class MemberCategory(models.TextChoices):
    LEADING = "leading", _("Leading scientist")
    YOUNG = "young", _("Young scientific backbone")
    GRASSROOTS = "grassroots", _("Grassroots scientist")
    OTHER = "other", _("Other")


# The categories the plan's "≥ 2/3" indicator counts (task 14).
QUALIFYING = (MemberCategory.LEADING, MemberCategory.YOUNG, MemberCategory.GRASSROOTS)


class CouncilPosition(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    STANDING_DIRECTOR = "standing_director", _("Standing director")
    DIRECTOR = "director", _("Director")


# Every position but a plain director sits on the standing council (常务理事会) as well.
STANDING = (
    CouncilPosition.PRESIDENT,
    CouncilPosition.VICE_PRESIDENT,
    CouncilPosition.SECRETARY_GENERAL,
    CouncilPosition.STANDING_DIRECTOR,
)


class EvaluationOutcome(models.TextChoices):
    NONE = "", _("None")
    WARNED = "warned", _("Warning")
    EXITING = "exiting", _("Exit proceedings")


class JournalFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Published monthly")
    BIMONTHLY = "bimonthly", _("Published every two months")
    QUARTERLY = "quarterly", _("Published quarterly")
    SEMIANNUAL = "semiannual", _("Published twice a year")
    ANNUAL = "annual", _("Published yearly")
    OTHER = "other", _("Other")
