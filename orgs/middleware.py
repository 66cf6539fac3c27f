"""Sessions that end when idle; requests of a user whose password must change first."""

import time

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# set at login (orgs.signals) to "initial" or "expired"; removed when the password is changed
PASSWORD_CHANGE_SESSION_KEY = "qhsta_password_change"  # noqa: S105  (a session key name)
# when the session's expiry was last pushed back (seconds since the epoch)
SESSION_SEEN_KEY = "qhsta_seen"
SESSION_SEEN_RESOLUTION = 60
# pages such a user may still open
ALLOWED_URL_NAMES = ("password_change", "logout", "set_language", "healthz")


class PasswordChangeRequiredMiddleware:
    """Pages send the user to the password change page; the API answers 403 in its shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.session.get(PASSWORD_CHANGE_SESSION_KEY)
            and request.path_info not in {reverse(name) for name in ALLOWED_URL_NAMES}
        ):
            if request.path_info.startswith("/api/"):
                message = _("Change your password in the portal first.")
                return JsonResponse(
                    {"status": 403, "code": "password_change_required", "message": message},
                    status=403,
                )
            return redirect("password_change")
        return self.get_response(request)


class SessionIdleMiddleware:
    """A logged-in user's session lives SESSION_COOKIE_AGE (SESSION_IDLE_MINUTES) past their last
    request: the session is saved again, which pushes its expiry back, at most once a minute
    (saving it on every request would write the database on every request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session_seen(request.session)
        return self.get_response(request)


def session_seen(session) -> None:
    now = int(time.time())
    if now - session.get(SESSION_SEEN_KEY, 0) >= SESSION_SEEN_RESOLUTION:
        session[SESSION_SEEN_KEY] = now
