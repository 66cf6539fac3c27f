"""Structured logs for production: one JSON object per line on stdout, for the log collector.

Every record has the time (UTC, ISO 8601), level, logger, message and process; records of a
request carry its method, path and status when Django or gunicorn give them; an exception
carries its traceback as one string. Nothing else is added: no request bodies, no cookies.
"""

import datetime as dt
import json
import logging

# Attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Of the extras, only plain values are written (a request object or socket is left out).
_PLAIN = (str, int, float, bool, type(None))


class JsonFormatter(logging.Formatter):
    """`logging.Formatter` writing one JSON object per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = getattr(request, "path", "")
        for key, value in vars(record).items():
            if key in _STANDARD or key in entry or key == "request":
                continue
            if isinstance(value, _PLAIN):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_logging(level: str = "INFO") -> dict:
    """Django's LOGGING: everything as JSON lines on stdout, SQL only from WARNING up."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "qhsta.logging.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # gunicorn's own loggers (deploy/gunicorn.conf.py sends them here too)
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": level, "propagate": False},
        },
    }
