"""Writes every failed login to the access log, and records and shows each login's time and address."""

import ipaddress

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_log
from .choices import AccessEventKind, Outcome
from .middleware import PASSWORD_CHANGE_SESSION_KEY, session_seen
from .selectors import password_change_reason
from .services import login_record


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    audit_log(
        AccessEventKind.LOGIN_FAILED,
        request=request,
        outcome=Outcome.FAILURE,
        username=str(credentials.get("username", ""))[:150],
        detail="failed login",
    )


def _address(request) -> str | None:
    """The client's address as the login lock sees it (axes: the configured proxies)."""
    try:
        address = get_client_ip_address(request)
        return str(ipaddress.ip_address(address)) if address else None
    except (AttributeError, KeyError, ValueError):  # no address, or not one (a test request)
        return None


@receiver(user_logged_in)
def after_login(sender, request, user, **kwargs):
    """Tell the user when and from where they last logged in; ask for a new password first when
    an administrator set it or it has expired."""
    if request is None:
        return
    previous_at, previous_address = login_record(user=user, address=_address(request))
    if previous_at is None:
        text = _("Welcome: this is the first login of this account.")
    else:
        text = _("Last login: %(time)s, address %(address)s.") % {
            "time": timezone.localtime(previous_at).strftime("%Y-%m-%d %H:%M"),
            "address": previous_address or _("unknown"),
        }
    messages.info(request, text, fail_silently=True)
    if not hasattr(request, "session"):
        return
    session_seen(request.session)
    reason = password_change_reason(user)
    if reason:
        request.session[PASSWORD_CHANGE_SESSION_KEY] = reason


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    audit_log(AccessEventKind.LOGIN, request=request, actor=user, detail="login")


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_log(AccessEventKind.LOGOUT, request=request, actor=user, detail="logout")


ADMIN_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


@receiver(post_save, sender=LogEntry)
def log_admin_change(sender, instance: LogEntry, created, **kwargs):
    """Saves in the Django admin (plans, settings, organisations, ...) are configuration changes."""
    if not created:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    label = model._meta.label if model is not None else ""
    audit_log(
        AccessEventKind.CONFIG_CHANGE,
        actor=instance.user,
        detail=f"admin {ADMIN_ACTIONS.get(instance.action_flag, '?')} {label} "
        f"#{instance.object_id} {instance.object_repr} {instance.get_change_message()}",
    )
