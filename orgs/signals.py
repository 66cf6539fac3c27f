"""Writes every failed login to the access log, and records and shows each login's time and address."""

import ipaddress

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import access_log
from .choices import AccessEventKind
from .middleware import PASSWORD_CHANGE_SESSION_KEY, session_seen
from .selectors import password_change_reason
from .services import login_record


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    access_log(
        AccessEventKind.LOGIN_FAILED,
        request=request,
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
