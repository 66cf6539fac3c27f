"""Request middleware of the portal."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language (the language switch sets a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; the portal's users
    expect Chinese whatever their browser is set to, and switch to English on purpose.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class AccessDeniedLogMiddleware:
    """Every refused request ends up in the access log, whichever code refused it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied) and not getattr(
            exception, "access_logged", False
        ):
            from qhsta.scoping.registry import log_access

            kind = "denied_read" if request.method in ("GET", "HEAD", "OPTIONS") else "denied_write"
            log_access(kind, request=request, detail=str(exception)[:300])
        return None
