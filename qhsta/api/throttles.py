"""Throttling per token (or per signed-in user of the browser) and per anonymous address.

The rates are REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] in the settings, read on every request
(so a test or a deployment changes them without re-importing these classes). The counters live
in the default cache: Redis in production, shared by every web process."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from qhsta.net import client_address


class _SettingsRate:
    def get_ident(self, request):
        """The client's address behind the trusted proxies only (qhsta.net), never the whole
        X-Forwarded-For header a client can write."""
        return client_address(request)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class TokenRateThrottle(_SettingsRate, SimpleRateThrottle):
    """Each token its own budget; a browser session the budget of its user."""

    scope = "token"

    def __init__(self):
        pass  # the rate is read per request

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        token = request.auth
        ident = f"t{token.pk}" if getattr(token, "pk", None) else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(_SettingsRate, AnonRateThrottle):
    """Requests without credentials, per client address."""

    scope = "anon"

    def __init__(self):
        pass


class TokenObtainThrottle(_SettingsRate, SimpleRateThrottle):
    """Asking for tokens, per client address (failed passwords also lock the account, by axes)."""

    scope = "token_obtain"

    def __init__(self):
        pass

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
