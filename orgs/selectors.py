"""Reads of organisations and accounts for pages; everything goes through the scoping API."""

from django.db.models import Prefetch, Q

from qhsta.scoping import Action, user_scope

from .models import Account, Membership, Organization


def memberships_managed(*, user):
    """The role memberships `user` manages (inside their management scope)."""
    return Membership.objects.restrict(user, Action.MANAGE).select_related("organization")


def account_list(*, user, query: str = ""):
    """Accounts that hold a role inside `user`'s management scope, with those roles."""
    accounts = Account.objects.restrict(user, Action.MANAGE).order_by("username")
    if query:
        accounts = accounts.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    return accounts.prefetch_related(
        Prefetch("memberships", queryset=memberships_managed(user=user), to_attr="managed_roles")
    )


def organization_children(*, organization: Organization, user):
    """The visible organisations directly under `organization`."""
    return Organization.objects.restrict(user).filter(
        path__startswith=organization.path, depth=organization.depth + 1
    )


def can_manage_users(user) -> bool:
    return not user_scope(user, Action.MANAGE).empty


def login_lock(*, user) -> dict | None:
    """Whether failed logins lock `user` now (at one address or more): {"addresses": n,
    "until": when the last lock ends}, else None."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    cool_off = get_cool_off()
    rows = AccessAttempt.objects.filter(
        username=user.get_username(), failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    if cool_off is not None:
        rows = rows.filter(attempt_time__gte=timezone.now() - cool_off)
    times = list(rows.values_list("attempt_time", flat=True))
    if not times:
        return None
    return {"addresses": len(times), "until": max(times) + cool_off if cool_off else None}
