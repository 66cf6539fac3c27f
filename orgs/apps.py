"""App config of the organisation tree; hands the scoping kernel its models and access log at start-up."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        from qhsta.scoping.registry import register_organizations

        from . import checks, signals  # noqa: F401  (the receivers of logins, the checks)
        from .audit import access_log
        from .models import Organization, OrganizationUserObjectPermission
        from .selectors import password_change_reason

        # The kernel (qhsta.scoping) reads roles and writes refusals through these; it never
        # imports this app.
        register_organizations(
            organization_model=Organization,
            permission_model=OrganizationUserObjectPermission,
            access_log=access_log,
            password_change_reason=password_change_reason,
        )
