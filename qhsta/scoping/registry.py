"""What the kernel borrows from the app that keeps the organisation tree, handed over at start-up.

The scoping rule reads roles from guardian's permission rows on organisations, the register
views and sheet reader list organisations, and every refused access is written to the access
log; all three belong to the `orgs` app, which sits above the kernel. So the kernel never
imports it: `orgs`' AppConfig.ready() calls `register_organizations()` with its models and its
access-log writer, as Django's auth takes the user model from AUTH_USER_MODEL.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_registered: dict[str, object] = {}


def register_organizations(
    *,
    organization_model,
    permission_model,
    access_log: Callable[..., object],
    password_change_reason: Callable[..., object] | None = None,
) -> None:
    """Hand the kernel the organisation model, its user object-permission model (one row per
    user, organisation and action), the function that records an access event, and the one
    that says why an account must change its password first (None: it need not)."""
    _registered.update(
        organization_model=organization_model,
        permission_model=permission_model,
        access_log=access_log,
        password_change_reason=password_change_reason,
    )


def _get(name: str):
    try:
        return _registered[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"qhsta.scoping has no {name}: the app that keeps the organisation tree must call "
            "register_organizations() in its AppConfig.ready()"
        ) from None


def organization_model():
    """The organisation model (orgs.Organization)."""
    return _get("organization_model")


def permission_model():
    """The user object-permission model on organisations (orgs.OrganizationUserObjectPermission)."""
    return _get("permission_model")


def password_change_reason(user):
    """Why `user` must change the password before anything else (initial or expired), or None."""
    check = _registered.get("password_change_reason")
    return check(user) if check else None


def log_access(kind: str, **kwargs):
    """Record an access event (a refused read or write, a grant, a failed login) in the access log."""
    return _get("access_log")(kind, **kwargs)
