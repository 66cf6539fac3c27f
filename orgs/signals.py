from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import audit_log
from .choices import AccessEventKind, Outcome


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    audit_log(
        AccessEventKind.LOGIN_FAILED,
        request=request,
        outcome=Outcome.FAILURE,
        username=str(credentials.get("username", ""))[:150],
        detail="failed login",
    )


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
