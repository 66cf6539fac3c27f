"""Kinds of reporting period, assignment roles, report states and progress statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half", _("Half-yearly")
    YEAR = "year", _("Annual")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (牵头)")
    SUPPORTING = "supporting", _("Supporting (配合)")


class ReportState(models.TextChoices):
    """Where a report stands in review."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class ProgressStatus(models.TextChoices):
    """How the work itself is going, as the officer reports it."""

    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
