"""Kinds of organisation, roles, and kinds of access event."""

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
    # The three administrators of a level-3 system (三员分立); an account holds at most one of
    # them and then no other role (orgs.services).
    SYSTEM_ADMIN = "sysadmin", _("System administrator")
    SECURITY_ADMIN = "secadmin", _("Security administrator")
    AUDIT_ADMIN = "auditadmin", _("Audit administrator")


ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# held only at the top of the tree; a security administrator may be a prefecture's own
TOP_ONLY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN})


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")


class AccessEventKind(models.TextChoices):
    GRANT = "grant", _("Role granted")
    WITHDRAW = "withdraw", _("Role withdrawn")
    USER_CREATED = "user_created", _("Account created")
    USER_ACTIVATED = "user_activated", _("Account activated")
    USER_DEACTIVATED = "user_deactivated", _("Account deactivated")
    USER_CHANGED = "user_changed", _("Account changed")
    USER_UNLOCKED = "user_unlocked", _("Account unlocked after failed logins")
    DENIED_READ = "denied_read", _("Refused: outside the user's scope")
    DENIED_WRITE = "denied_write", _("Refused: change not allowed")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    REPORT_APPROVED = "report_approved", _("Report approved")
    REPORT_RETURNED = "report_returned", _("Report returned")
    EXPORT = "export", _("Export or download")
    CONFIG_CHANGE = "config_change", _("Configuration changed")
    SUPERUSER_USE = "superuser_use", _("Superuser request")
    AUDIT_PURGED = "audit_purged", _("Audit log entries past retention purged")
