"""Project-level pages: the login page and the health check (/healthz)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from kombu import Connection

from qhsta.scoping.views import scope_exempt


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    scope_exempt = "the login page"


@scope_exempt("reports only whether the services answer")
@login_not_required
@never_cache
def healthz(request):
    """Liveness for load balancers and compose: the database answers, and the broker when one is set."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(value in ("ok", "eager") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def _database_ok() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError:
        return "unavailable"


def _broker_ok() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # any transport error means the broker cannot take jobs now
        return "unavailable"


# ---- error pages: the API answers in its JSON error shape, pages in HTML --------------------


def _api_error(request, status: int, code: str, message: str):
    if not request.path.startswith("/api/"):
        return None
    from qhsta.api.errors import error_body

    return JsonResponse(error_body(status, code, message), status=status)


def bad_request(request, exception, template_name="400.html"):
    from django.utils.translation import gettext as _
    from django.views import defaults

    answer = _api_error(request, 400, "bad_request", _("The request is malformed."))
    return answer or defaults.bad_request(request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    from django.utils.translation import gettext as _
    from django.views import defaults

    answer = _api_error(request, 404, "not_found", _("Nothing here, or nothing you may see."))
    return answer or defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name="500.html"):
    from django.utils.translation import gettext as _
    from django.views import defaults

    answer = _api_error(request, 500, "error", _("Something went wrong on our side."))
    return answer or defaults.server_error(request, template_name)
