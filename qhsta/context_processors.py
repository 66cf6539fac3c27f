from orgs.selectors import can_manage_users


def navigation(request):
    """What the header offers: the users page only to those who manage accounts."""
    user = getattr(request, "user", None)
    return {"nav_can_manage_users": bool(user and can_manage_users(user))}
