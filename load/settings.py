"""Settings of the gunicorn the load test drives: production's, with two local differences.

No TLS on loopback (the load script sends X-Forwarded-Proto: https as nginx would, so the
secure cookies and checks still apply), and static files found in the source folders instead of
a collectstatic manifest (the shared working tree has no collected files). Only load/run.py uses
this module; SECRET_KEY comes from it.
"""

import os

# Production requires a shared cache (Redis); the load test keeps the per-process one it always
# used (its throttles are lifted anyway), so the placeholder below is replaced at once.
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/15")

from qhsta.settings.production import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
