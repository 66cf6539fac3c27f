"""System checks of the account rules."""

from django.conf import settings
from django.core.checks import Error, register

HISTORY_VALIDATOR = "orgs.passwords.PasswordHistoryValidator"


@register()
def password_history_validator_configured(app_configs, **kwargs):
    """Without the history validator, password changes would neither be remembered nor end the
    account's tokens and sessions."""
    names = [v.get("NAME") for v in settings.AUTH_PASSWORD_VALIDATORS]
    if HISTORY_VALIDATOR in names:
        return []
    return [
        Error(
            f"AUTH_PASSWORD_VALIDATORS must include {HISTORY_VALIDATOR}",
            hint="It records password changes and revokes tokens and sessions on each.",
            id="orgs.E001",
        )
    ]
