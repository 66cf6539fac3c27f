"""Reading settings from the environment, with one clear line for every bad value."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

SUPPORTED_DB_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")


def database_config(url: str | None) -> dict:
    """Turn DATABASE_URL into Django's DATABASES entry; SQLite in the project folder when unset."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(BASE_DIR / "db.sqlite3"),
            "OPTIONS": {"timeout": 20},
        }
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_DB_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL must look like postgres://user:password@host:5432/name or "
            f"sqlite:////absolute/path.sqlite3, got {redact_url(url)!r}"
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types for malformed URLs
        raise ImproperlyConfigured(
            f"DATABASE_URL {redact_url(url)!r} cannot be read: {exc}"
        ) from exc
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(
            f"DATABASE_URL {redact_url(url)!r} names no database (add /dbname at the end)"
        )
    if scheme != "sqlite":
        config["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = env.int(
            "DB_CONNECT_TIMEOUT", default=5
        )
    return config


def redact_url(url: str) -> str:
    """The URL with any password replaced, safe to print."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
