"""Production: refuses to start without a real secret; passes `manage.py check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import env

IS_PRODUCTION = True
DEBUG = False

SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("insecure", "django-insecure", "change-me")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        '(python -c "import secrets; print(secrets.token_urlsafe(64))")'
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# One cache shared by every web process: the API's throttle counters (and anything else cached)
# must not be per-process, or N gunicorn workers allow N times every limit.
CACHE_URL = env("CACHE_URL", default="")
if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        "CACHE_URL must point at Redis in production (e.g. redis://redis:6379/1): throttle "
        "counters have to be shared by all web processes"
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "qhsta",
        "OPTIONS": {"socket_connect_timeout": 3, "socket_timeout": 3},
    }
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probed over plain HTTP inside the network
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Structured logs: one JSON object per line on stdout (LOG_FORMAT=plain for a human at a console).
if env("LOG_FORMAT", default="json") == "json":
    from qhsta.logging import json_logging

    LOGGING = json_logging(env("LOG_LEVEL", default="INFO"))
# Celery keeps Django's logging (JSON) instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Celery queues: rollups and mail have workers of their own (docker-compose.yml, deploy/), so a
# slow mail server never holds up a rollup and the rollup workers scale on their own. Any other
# job goes to the default queue "celery", which the rollups workers consume as well.
CELERY_TASK_ROUTES = {
    "tasks.jobs.recompute_chain": {"queue": "rollups"},
    "tasks.jobs.recompute_indicator": {"queue": "rollups"},
    "tasks.jobs.recompute_period": {"queue": "rollups"},
    "tasks.jobs.recompute_all": {"queue": "rollups"},
    "tasks.jobs.relay_rollup_requests": {"queue": "rollups"},
    "tasks.jobs.send_report_reminders": {"queue": "mail"},
}

# Outgoing mail (report reminders): the office's SMTP relay.
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
