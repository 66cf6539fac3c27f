from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    PROVINCIAL_STA = "provincial_sta", _("Provincial STA")
    DEPARTMENT = "department", _("Provincial STA department")
    AFFILIATED_UNIT = "affiliated_unit", _("Directly affiliated unit")
    PREFECTURE_STA = "prefecture_sta", _("Prefecture-level STA")
    COUNTY_STA = "county_sta", _("County STA")
    TOWNSHIP_STA = "township_sta", _("Township or sub-district STA")
    SOCIETY = "society", _("Provincial learned society")
    UNIVERSITY_STA = "university_sta", _("University STA")
    ENTERPRISE_STA = "enterprise_sta", _("Enterprise or park STA")


class Role(models.TextChoices):
    """A role a user holds at an organisation; it covers the organisation's whole subtree."""

    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    REVIEWER = "reviewer", _("Reviewer")
    LEADER = "leader", _("Leadership")


class AccessEventKind(models.TextChoices):
    GRANT = "grant", _("Role granted")
    WITHDRAW = "withdraw", _("Role withdrawn")
    USER_CREATED = "user_created", _("Account created")
    USER_ACTIVATED = "user_activated", _("Account activated")
    USER_DEACTIVATED = "user_deactivated", _("Account deactivated")
    USER_UNLOCKED = "user_unlocked", _("Account unlocked after failed logins")
    DENIED_READ = "denied_read", _("Refused: outside the user's scope")
    DENIED_WRITE = "denied_write", _("Refused: change not allowed")
    LOGIN_FAILED = "login_failed", _("Failed login")
