"""Writes of the API's own data: issuing and revoking tokens."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from qhsta.scoping import Action, user_can

from .models import ApiToken


def token_issue(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the key, which is never stored or shown again.

    Expired tokens of the user are removed first; at most API_TOKENS_PER_USER live at once."""
    if not (user and user.is_active):
        raise PermissionDenied(_("This account is disabled."))
    from qhsta.scoping.registry import password_change_reason

    if password_change_reason(user):  # an initial or expired password: the portal first
        raise PermissionDenied(_("Change your password in the portal first."))
    name = (name or "").strip()
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expiry__lt=now).delete()
        if ApiToken.objects.filter(user=user).count() >= settings.API_TOKENS_PER_USER:
            raise ValidationError(
                _(
                    "You already hold %(n)s tokens; revoke one you no longer use before asking "
                    "for another."
                )
                % {"n": settings.API_TOKENS_PER_USER}
            )
        digest, key = get_digest_token()
        ttl = (
            dt.timedelta(days=settings.API_TOKEN_TTL_DAYS) if settings.API_TOKEN_TTL_DAYS else None
        )
        token = ApiToken.objects.create(
            user=user,
            digest=digest,
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
            name=name,
            expiry=now + ttl if ttl else None,
        )
    return token, key


def token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke a token: its owner may, and administrators of the owner's organisation."""
    if token.user_id != actor.pk and not user_can(actor, Action.ACCOUNTS, token):
        raise PermissionDenied(_("Only the token's owner or an administrator may revoke it."))
    token.delete()
