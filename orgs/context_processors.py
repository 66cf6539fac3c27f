"""The header's navigation: which menus the user's roles open (read once per request)."""

from qhsta.scoping import Action, user_scope

from .selectors import can_manage_users, can_read_audit


def navigation(request):
    """What the header offers, from the user's scopes (read once per request)."""
    user = getattr(request, "user", None)

    def can(action: Action) -> bool:
        return bool(user) and not user_scope(user, action).empty

    return {
        "nav_can_report": can(Action.REPORT),
        "nav_can_review": can(Action.REVIEW),
        "nav_can_manage_users": bool(user) and can_manage_users(user),
        "nav_can_read_audit": bool(user) and can_read_audit(user),
    }
