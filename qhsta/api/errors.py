"""One error shape for every API answer that is not a success.

    {"status": 400, "code": "invalid", "message": "…a sentence a person can read…",
     "errors": {"percent_complete": ["…"], "values[0].value": ["…"]}}

`errors` names each field that was refused (dotted paths into nested input); a stale version
(409) adds `current`: the version now stored, who saved it and when.
"""

from django.core.exceptions import BadRequest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from qhsta.conflicts import VersionConflict
from qhsta.templatetags.portal import person

NON_FIELD = "non_field_errors"


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"values": [{"value": ["…"]}]} → {"values[0].value": ["…"]}."""
    out: dict[str, list[str]] = {}

    def merge(part: dict) -> None:
        for key, messages in part.items():
            out.setdefault(key, []).extend(messages)

    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == NON_FIELD:
                name = prefix
            elif isinstance(key, int):  # a list's errors by index (LIST_SERIALIZER_ERRORS_AS_DICT)
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            merge(_flatten(value, name))
    elif isinstance(detail, list):
        if any(isinstance(item, (dict, list)) for item in detail):
            for index, item in enumerate(detail):
                if item:
                    merge(_flatten(item, f"{prefix}[{index}]"))
        else:
            merge({prefix or NON_FIELD: [str(item) for item in detail]})
    else:
        merge({prefix or NON_FIELD: [str(detail)]})
    return out


def _django_validation(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            (NON_FIELD if field == "__all__" else field): list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: list(exc.messages)}


def _body(status_code: int, code: str, message: str, errors=None, **extra) -> dict:
    body = {"status": status_code, "code": code, "message": message}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def error_body(status_code: int, code: str, message: str) -> dict:
    """The shape for an error answered outside a view (qhsta.views' 400/404/500 handlers)."""
    return _body(status_code, code, message)


def _validation_message(errors: dict[str, list[str]]) -> str:
    general = errors.get(NON_FIELD)
    fields = [name for name in errors if name != NON_FIELD]
    if general and not fields:
        return " ".join(general)
    return _("Check these fields: %(fields)s.") % {"fields": ", ".join(fields)}


def conflict_body(current) -> dict:
    when = timezone.localtime(current.updated_at)
    message = _("%(who)s changed this report at %(when)s; reload it before you go on.") % {
        "who": person(current.updated_by),
        "when": when.strftime("%Y-%m-%d %H:%M:%S"),
    }
    return _body(
        409,
        "conflict",
        message,
        current={
            "version": current.version,
            "updated_by": current.updated_by.get_username() if current.updated_by else None,
            "updated_at": when.isoformat(),
            "state": current.state,
        },
    )


def exception_handler(exc, context):
    """DRF's handler, then every answer rewritten into the one shape."""
    if isinstance(exc, VersionConflict):
        return Response(conflict_body(exc.current), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation(exc)
        return Response(
            _body(400, "invalid", _validation_message(errors), errors),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, BadRequest):
        exc = exceptions.ParseError(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Nothing here, or nothing you may see."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real fault: Django's 500 (logged), never details to the client
    detail = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(detail)
        response.data = _body(response.status_code, "invalid", _validation_message(errors), errors)
    else:
        message = detail.get("detail") if isinstance(detail, dict) else detail
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            message = _("Too many requests; try again in %(s)s seconds.") % {"s": int(exc.wait)}
        codes = exc.get_codes() if hasattr(exc, "get_codes") else code
        code = codes.get("detail", code) if isinstance(codes, dict) else codes
        response.data = _body(response.status_code, str(code), str(message))
    return response
