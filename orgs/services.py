"""Writes to the organisation tree, accounts and role memberships."""

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qhsta.scoping import Action, ancestor_paths, user_scope

from .audit import access_log
from .choices import ADMINISTRATOR_ROLES, TOP_ONLY_ROLES, AccessEventKind, Role
from .identity import account_identity_check
from .models import (
    AccountSecurity,
    Membership,
    Organization,
    OrganizationUserObjectPermission,
    PasswordHistory,
)
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


def _is_security_admin_at(user, organization: Organization) -> bool:
    return Membership.objects.filter(
        user=user,
        role=Role.SECURITY_ADMIN,
        organization__is_active=True,
        organization__path__in=ancestor_paths(organization.path, include_self=True),
    ).exists()


def roles_grantable(*, granter, organization: Organization) -> list[str]:
    """The roles `granter` may give at `organization`.

    Account and role management is the security administrator's (三员分立): the superuser
    (installation) and a security administrator whose scope covers the organisation may give
    any role there. The system and audit administrator roles exist only at the top of the tree;
    the security administrator role at any organisation (a prefecture's own, for its subtree).
    Nobody else grants roles.
    """
    if not granter.is_active:
        return []
    if not granter.is_superuser and not (
        user_scope(granter, Action.ACCOUNTS).covers(organization.path)
        and _is_security_admin_at(granter, organization)
    ):
        return []
    if organization.is_root():
        return list(ROLE_ACTIONS)
    return [role for role in ROLE_ACTIONS if role not in TOP_ONLY_ROLES]


def roles_offered(*, granter) -> list[str]:
    """The roles `granter` may give somewhere (the choices of the grant and new-account forms),
    in the order of Role."""
    if granter.is_active and granter.is_superuser:
        return list(ROLE_ACTIONS)
    scope = user_scope(granter, Action.ACCOUNTS)
    offered: set[str] = set()
    for organization in Organization.objects.filter(path__in=scope.paths):
        offered.update(roles_grantable(granter=granter, organization=organization))
    return [role for role in ROLE_ACTIONS if role in offered]


def _refuse(actor, obj, detail: str, message: str, *, target_user=None):
    access_log(
        AccessEventKind.DENIED_WRITE,
        actor=actor,
        obj=obj,
        target_user=target_user,
        detail=detail,
    )
    error = PermissionDenied(message)
    error.access_logged = True
    raise error


def _check_can_grant(granter, organization: Organization, role: str, user=None) -> None:
    if granter is None:  # the system itself: data loaders and migrations
        return
    if user is not None and user.pk == granter.pk and not granter.is_superuser:
        _refuse(
            granter,
            organization,
            f"grant or withdraw {role} on own account",
            _("Nobody grants or withdraws roles on their own account."),
            target_user=user,
        )
    if role not in roles_grantable(granter=granter, organization=organization):
        _refuse(
            granter,
            organization,
            f"grant or withdraw {role}",
            _(
                "Only a security administrator grants and withdraws roles, inside the "
                "organisations they manage."
            ),
            target_user=user,
        )


def separation_conflict(*, user, role: str) -> str:
    """三员分立: why `user` may not take `role` ("" when they may). An account holding a system,
    security or audit administrator role holds no other role (neither another of the three nor
    an everyday one); the superuser, for installation only, holds none of the three."""
    others = set(
        Membership.objects.filter(user=user).exclude(role=role).values_list("role", flat=True)
    )
    if role in ADMINISTRATOR_ROLES and user.is_superuser:
        return _("The superuser is for installation only and takes no administrator role.")
    if role in ADMINISTRATOR_ROLES and others:
        return _(
            "An account with a system, security or audit administrator role holds no other "
            "role; this account already holds: %(roles)s."
        ) % {"roles": ", ".join(str(Role(r).label) for r in sorted(others))}
    if role not in ADMINISTRATOR_ROLES and others & ADMINISTRATOR_ROLES:
        return _(
            "This account is a system, security or audit administrator and holds no other role."
        )
    return ""


class SeparationRefused(ValidationError):
    """A grant refused by the separation of the three administrators."""


def _check_separation(user, role: str) -> None:
    conflict = separation_conflict(user=user, role=role)
    if conflict:
        raise SeparationRefused(conflict)


def _log_separation_refusal(granter, organization, user, role) -> None:
    access_log(
        AccessEventKind.DENIED_WRITE,
        actor=granter,
        obj=organization,
        target_user=user,
        detail=f"grant {role}: separation of the three administrators",
    )


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
    _check_can_grant(granter, organization, role, user)  # outside the transaction: stays logged
    try:
        with transaction.atomic():
            return _membership_create(user, organization, role, granter)
    except SeparationRefused:
        _log_separation_refusal(granter, organization, user, role)
        raise


def _membership_create(user, organization: Organization, role: str, granter) -> Membership:
    # the account's row is locked, so two grants at once cannot both pass the separation check
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    _check_separation(user, role)
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
    _check_can_grant(actor, membership.organization, membership.role, membership.user)
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
    """Open an account with its first role; the creator must be able to grant that role there.

    The username and name must not pass for another account's (orgs.identity); the password,
    set by an administrator, follows the policy and is changed by its owner at the first login."""
    _check_can_grant(creator, organization, role)
    account_identity_check(username=username, full_name=full_name)
    User = get_user_model()
    user = User(username=username, first_name=full_name, email=email)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        password_mark_initial(user=user)
        access_log(AccessEventKind.USER_CREATED, actor=creator, target_user=user, obj=organization)
        _membership_create(user, organization, role, creator)
    return user


def _check_manages_account(actor, user, detail: str) -> None:
    """The actor manages the accounts of every organisation where `user` holds a role (or
    refuses, logged)."""
    scope = user_scope(actor, Action.ACCOUNTS)
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
    _check_manages_account(actor, user, "activate")
    held = Membership.objects.filter(user=user, role__in=ADMINISTRATOR_ROLES).select_related(
        "organization"
    )
    if not actor.is_superuser and any(
        not _is_security_admin_at(actor, m.organization) for m in held
    ):
        _refuse(
            actor,
            None,
            "activate: an administrator of the three",
            _("Only the security administrator activates or deactivates this account."),
            target_user=user,
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        account_access_revoke(user=user)
    kind = AccessEventKind.USER_ACTIVATED if active else AccessEventKind.USER_DEACTIVATED
    access_log(kind, actor=actor, target_user=user)


def user_unlock(*, actor, user) -> int:
    """Lift the lock that failed logins put on an account, from every address (django-axes'
    AccessAttempt rows): the way back in for its owner, by an administrator who manages every
    role the account holds. Returns the number of (account, address) records removed."""
    from axes.utils import reset

    _check_manages_account(actor, user, "unlock")
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


def user_update(*, actor, user, full_name: str, email: str) -> None:
    """Change an account's name and e-mail (the username stays); the name must not pass for a
    provincial account's. The actor manages every organisation where the account holds a role
    (no actor: the system itself, or a superuser in the Django admin)."""
    if actor is not None and not actor.is_superuser:
        _check_manages_account(actor, user, "edit")
    account_identity_check(full_name=full_name, user=user)
    user.first_name, user.last_name = full_name, ""  # the whole name, as on the new-account page
    user.email = email
    user.full_clean()
    user.save(update_fields=["first_name", "last_name", "email"])
    access_log(AccessEventKind.USER_CHANGED, actor=actor, target_user=user, detail="name, e-mail")


def user_password_set(*, actor, user, password: str) -> None:
    """An administrator gives the account a new password (its owner forgot theirs and has no
    e-mail): the policy applies, the owner changes it at the next login, and the account's
    tokens and sessions end."""
    if actor.pk == user.pk:
        raise ValidationError(_("Change your own password on the password page."))
    if not actor.is_superuser:
        _check_manages_account(actor, user, "set password")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        password_mark_initial(user=user)
        access_log(AccessEventKind.USER_CHANGED, actor=actor, target_user=user, detail="password")


def sessions_end(*, user, keep: str | None = None) -> int:
    """End the user's sessions (except the one keyed `keep`); how many ended.

    Database sessions only (the portal's engine): each live session is read to find its user."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def account_access_revoke(*, user, keep_session: str | None = None) -> None:
    """Delete the user's API tokens and end their sessions: nothing of them comes back later
    (a reactivated account, a password set back by an administrator)."""
    from qhsta.api.models import ApiToken

    ApiToken.objects.filter(user=user).delete()
    if user.last_login is not None:  # an account that never logged in has no session
        sessions_end(user=user, keep=keep_session)


def password_changed(*, user, keep: int) -> None:
    """After any saved password change (orgs.passwords.PasswordHistoryValidator calls this):
    the new hash joins the history (the last `keep` are kept), the password's age starts again,
    and the account's tokens and sessions end. The view that changed a user's own password keeps
    that session (update_session_auth_hash gives it a new key)."""
    now = timezone.now()
    with transaction.atomic():
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"password_changed_at": now, "password_must_change": False}
        )
        if user.has_usable_password():
            PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()
        account_access_revoke(user=user)


def password_mark_initial(*, user) -> None:
    """The password was set by an administrator: its owner must change it at the next login."""
    AccountSecurity.objects.update_or_create(user=user, defaults={"password_must_change": True})


def password_age_restart(*, user) -> None:
    """Count the password's age from now and take it for the owner's own (the demo loader only:
    demo accounts keep the published demo password)."""
    if settings.IS_PRODUCTION:
        raise PermissionDenied("demo accounts are never refreshed in production")
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "password_must_change": False}
    )


def login_record(*, user, address: str | None) -> tuple:
    """Note this login's time and address; returns the previous login's (time, address), or
    (None, None) for a first login."""
    record, _created = AccountSecurity.objects.get_or_create(user=user)
    previous = (record.last_login_at, record.last_login_address)
    record.last_login_at = timezone.now()
    record.last_login_address = address or None
    record.save(update_fields=["last_login_at", "last_login_address"])
    return previous
