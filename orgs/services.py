"""Writes to the organisation tree and to role memberships."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Membership, Organization


def organization_ensure(
    *, code: str, name: str, kind: str, parent: Organization | None, name_en: str = ""
) -> tuple[Organization, bool]:
    """The organisation with `code`, created under `parent` when missing; an existing one is kept as is."""
    existing = Organization.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    fields = {"code": code, "name": name, "name_en": name_en, "kind": kind}
    node = Organization(**fields)
    node.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=node), True
    # treebeard updates the parent row; use a fresh copy so a stale numchild is never written.
    return Organization.objects.add_child(
        Organization.objects.get(pk=parent.pk), instance=node
    ), True


@transaction.atomic
def organization_tree_load(*, nodes: list[dict], parent: Organization | None = None) -> int:
    """Ensure a nested list of organisations ({code, name, kind, children}); returns how many were created."""
    created = 0
    for item in nodes:
        node, was_created = organization_ensure(
            code=item["code"],
            name=item["name"],
            name_en=item.get("name_en", ""),
            kind=item["kind"],
            parent=parent,
        )
        created += was_created
        created += organization_tree_load(nodes=item.get("children", []), parent=node)
    return created


def membership_grant(*, user, organization: Organization, role: str, granted_by=None) -> Membership:
    """Give `user` the `role` at `organization`; granting a role already held changes nothing."""
    membership, _ = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"granted_by": granted_by}
    )
    return membership


def user_ensure(*, username: str, full_name: str, password: str, is_superuser: bool = False):
    """The user `username`, created with `password` when missing; an existing account is left alone."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=full_name,
            is_staff=is_superuser,
            is_superuser=is_superuser,
        )
        user.set_password(password)
        user.save()
    return user
