"""Token authentication: `Authorization: Token <key>`, knox's hashed tokens in api.ApiToken."""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication

# how stale `last_used_at` may get before a request writes it again
LAST_USED_RESOLUTION = 60


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's check of the key against the stored digest, plus when the token was last used."""

    def _cleanup_token(self, auth_token) -> bool:
        # only this token's own expiry: the user's other expired tokens go when one is issued
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        last = token.last_used_at
        if last is None or (now - last).total_seconds() > LAST_USED_RESOLUTION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
