"""The audit log's view of requests: where they come from, exports, and superuser use."""

from .audit import audit_log, current_request
from .choices import AccessEventKind, Outcome

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
