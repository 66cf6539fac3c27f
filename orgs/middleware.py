"""Sessions that end when idle; requests of a user whose password must change first; the audit
log's view of requests (where they come from, exports, superuser use)."""

import time

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .audit import audit_log, current_request
from .choices import AccessEventKind, Outcome

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


EXPORT_TYPES = (
    "text/csv",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
)


def is_export(response) -> bool:
    """A download: an attachment, or a spreadsheet, CSV or PDF answer (the API's CSV included)."""
    disposition = response.get("Content-Disposition", "")
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return disposition.startswith("attachment") or content_type in EXPORT_TYPES


class AuditMiddleware:
    """Makes the request known to services that write audit entries (for the address), and
    records every export or download and every request made by a superuser (installation
    only, so each use is on record)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            self._record(request, response)
        finally:
            current_request.reset(token)
        return response

    def _record(self, request, response) -> None:
        user = getattr(request, "user", None)
        ok = response.status_code < 400
        if ok and is_export(response) and not getattr(response, "audit_logged", False):
            disposition = response.get("Content-Disposition", "")
            audit_log(
                AccessEventKind.EXPORT,
                request=request,
                detail=f"{response.get('Content-Type', '')} {disposition}".strip(),
            )
        if user is not None and user.is_authenticated and user.is_superuser:
            audit_log(
                AccessEventKind.SUPERUSER_USE,
                request=request,
                outcome=Outcome.SUCCESS if ok else Outcome.FAILURE,
                detail=f"HTTP {response.status_code}",
            )
