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
