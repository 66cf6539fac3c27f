"""Writes every failed login to the access log."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from .audit import access_log
from .choices import AccessEventKind


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    access_log(
        AccessEventKind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:150],
        detail="failed login",
    )
