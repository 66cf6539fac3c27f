"""Writes to the organisation tree, accounts and role memberships."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qhsta.scoping import Action, user_scope

from .audit import access_log
from .choices import AccessEventKind
from .models import Membership, Organization, OrganizationUserObjectPermission
from .roles import ROLE_ACTIONS, role_permissions


def organization_ensure(
    *, code: str, name: str, kind: str, parent: Organization | None, name_en: str = ""
) -> tuple[Organization, bool]:
    """The organisation with `code`, created under `parent` when missing; an existing one is kept as is."""
    existing = Organization.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    node = Organization(code=code, name=name, name_en=name_en, kind=kind)
    node.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organization.objects.add_root(instance=node), True
    # treebeard updates the parent row; use a fresh copy so a stale numchild is never written.
    fresh_parent = Organization.objects.get(pk=parent.pk)
    return Organization.objects.add_child(fresh_parent, instance=node), True


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


def roles_grantable(*, granter, organization: Organization) -> list[str]:
    """The roles `granter` may give at `organization`: those whose rights they hold there."""
    if not user_scope(granter, Action.MANAGE).covers(organization.path):
        return []
    held = {a for a in Action if user_scope(granter, a).covers(organization.path)}
    return [role for role, actions in ROLE_ACTIONS.items() if actions <= held]


def _check_can_grant(granter, organization: Organization, role: str) -> None:
    if granter is None:  # the system itself: data loaders and migrations
        return
    if role not in roles_grantable(granter=granter, organization=organization):
        access_log(
            AccessEventKind.DENIED_WRITE,
            actor=granter,
            obj=organization,
            detail=f"grant or withdraw {role}",
        )
        error = PermissionDenied(
            _("You can grant and withdraw only roles you hold, inside your own organisations.")
        )
        error.access_logged = True
        raise error


def user_permissions_sync(*, user) -> None:
    """Make the user's guardian permissions on organisations exactly those their roles give."""
    wanted = {
        (m.organization_id, codename)
        for m in Membership.objects.filter(user=user)
        for codename in role_permissions(m.role)
    }
    rows = OrganizationUserObjectPermission.objects.filter(user=user).select_related("permission")
    have = {(r.content_object_id, r.permission.codename): r.pk for r in rows}
    stale = [pk for key, pk in have.items() if key not in wanted]
    OrganizationUserObjectPermission.objects.filter(pk__in=stale).delete()
    missing = wanted - set(have)
    if missing:
        perms = {
            p.codename: p
            for p in Permission.objects.filter(
                content_type__app_label="orgs", codename__in={c for _, c in missing}
            )
        }
        OrganizationUserObjectPermission.objects.bulk_create(
            OrganizationUserObjectPermission(
                user=user, content_object_id=org_id, permission=perms[codename]
            )
            for org_id, codename in missing
        )
    user.__dict__.pop("_qhsta_scopes", None)
    user.__dict__.pop("_qhsta_can", None)


def membership_grant(*, user, organization: Organization, role: str, granter=None) -> Membership:
    """Give `user` the `role` at `organization` (and its subtree); granting it again changes nothing."""
    _check_can_grant(granter, organization, role)  # outside the transaction: a refusal stays logged
    with transaction.atomic():
        return _membership_create(user, organization, role, granter)


def _membership_create(user, organization: Organization, role: str, granter) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"granted_by": granter}
    )
    if created:
        user_permissions_sync(user=user)
        access_log(
            AccessEventKind.GRANT,
            actor=granter,
            obj=organization,
            target_user=user,
            detail=f"{role} → {user.get_username()}",
        )
    return membership


def membership_withdraw(*, membership: Membership, actor=None) -> None:
    """Take a role back; the user's rights follow on their next request."""
    _check_can_grant(actor, membership.organization, membership.role)
    user, organization, role = membership.user, membership.organization, membership.role
    with transaction.atomic():
        membership.delete()
        user_permissions_sync(user=user)
        access_log(
            AccessEventKind.WITHDRAW,
            actor=actor,
            obj=organization,
            target_user=user,
            detail=f"{role} ← {user.get_username()}",
        )


def user_create(
    *,
    creator,
    username: str,
    full_name: str,
    email: str,
    password: str,
    organization: Organization,
    role: str,
):
    """Open an account with its first role; the creator must be able to grant that role there."""
    _check_can_grant(creator, organization, role)
    User = get_user_model()
    user = User(username=username, first_name=full_name, email=email)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        access_log(AccessEventKind.USER_CREATED, actor=creator, target_user=user, obj=organization)
        _membership_create(user, organization, role, creator)
    return user


def _require_manages(actor, user, detail: str) -> None:
    """403 (logged) unless every role of `user` lies inside the actor's management scope."""
    scope = user_scope(actor, Action.MANAGE)
    paths = list(Membership.objects.filter(user=user).values_list("organization__path", flat=True))
    if not paths or not all(scope.covers(p) for p in paths):
        access_log(AccessEventKind.DENIED_WRITE, actor=actor, target_user=user, detail=detail)
        error = PermissionDenied(
            _("This account also holds roles outside your organisations; ask the province.")
        )
        error.access_logged = True
        raise error


def user_set_active(*, actor, user, active: bool) -> None:
    """Activate or deactivate an account whose every role lies inside the actor's management scope."""
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate or reactivate your own account."))
    _require_manages(actor, user, "activate")
    user.is_active = active
    user.save(update_fields=["is_active"])
    kind = AccessEventKind.USER_ACTIVATED if active else AccessEventKind.USER_DEACTIVATED
    access_log(kind, actor=actor, target_user=user)


def user_unlock(*, actor, user) -> int:
    """Lift the lock that failed logins put on an account, from every address (django-axes'
    AccessAttempt rows): the way back in for its owner, by an administrator who manages every
    role the account holds. Returns the number of (account, address) records removed."""
    from axes.utils import reset

    _require_manages(actor, user, "unlock")
    removed = reset(username=user.get_username())
    access_log(AccessEventKind.USER_UNLOCKED, actor=actor, target_user=user)
    return removed


def user_ensure(
    *, username: str, full_name: str, password: str, email: str = "", is_superuser: bool = False
):
    """The user `username`, created with `password` when missing; an existing account is left alone."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=full_name,
            email=email,
            is_staff=is_superuser,
            is_superuser=is_superuser,
        )
        user.set_password(password)
        user.save()
    return user
