"""Reads of organisations and accounts for pages; everything goes through the scoping API."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.utils import timezone

from qhsta.scoping import Action, user_scope

from .models import AccessEvent, Account, AccountSecurity, Membership, Organization, PasswordHistory


def memberships_managed(*, user):
    """The role memberships `user` manages (inside their management scope)."""
    return Membership.objects.restrict(user, Action.ACCOUNTS).select_related("organization")


def account_list(*, user, query: str = ""):
    """Accounts that hold a role inside `user`'s management scope, with those roles."""
    accounts = Account.objects.restrict(user, Action.ACCOUNTS).order_by("username")
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
    return not user_scope(user, Action.ACCOUNTS).empty


def password_recent_hashes(*, user, count: int) -> list[str]:
    """The hashes of the account's current and recent passwords, newest first, at most `count`."""
    hashes = list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count]
    )
    current = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
    if current and current not in hashes:
        hashes = [current, *hashes][:count]
    return hashes


def password_change_reason(user) -> str | None:
    """Why the user must change their password before anything else: "initial" (an
    administrator set it), "expired" (older than PASSWORD_MAX_AGE_DAYS), or None."""
    if not user.is_authenticated or not user.has_usable_password():
        return None
    record = AccountSecurity.objects.filter(user=user).first()
    if record is not None and record.password_must_change:
        return "initial"
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age:
        return None
    changed = record.password_changed_at if record and record.password_changed_at else None
    if changed is None:
        changed = user.date_joined
    if changed < timezone.now() - dt.timedelta(days=max_age):
        return "expired"
    return None


def can_read_audit(user) -> bool:
    """The audit log is the audit administrator's alone (not even the superuser's: 三员分立)."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and not user_scope(user, Action.AUDIT).empty
    )


@dataclass(frozen=True)
class AuditFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    kind: str = ""
    outcome: str = ""
    username: str = ""
    ip: str = ""
    q: str = ""


def audit_entries(*, user, filters: AuditFilter):
    """The audit log entries matching `filters`, newest first; nothing for anyone but the audit
    administrator."""
    if not can_read_audit(user):
        return AccessEvent.objects.none()
    entries = AccessEvent.objects.order_by("-id")
    if filters.since:
        entries = entries.filter(at__date__gte=filters.since)
    if filters.until:
        entries = entries.filter(at__date__lte=filters.until)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    if filters.username:
        entries = entries.filter(
            Q(username__iexact=filters.username) | Q(target_username__iexact=filters.username)
        )
    if filters.ip:
        entries = entries.filter(ip=filters.ip)
    if filters.q:
        entries = entries.filter(
            Q(object_repr__icontains=filters.q)
            | Q(detail__icontains=filters.q)
            | Q(request_path__icontains=filters.q)
        )
    return entries


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
