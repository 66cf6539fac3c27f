"""Settings of the gunicorn the load test drives: production's, with two local differences.

No TLS on loopback (the load script sends X-Forwarded-Proto: https as nginx would, so the
secure cookies and checks still apply), and static files found in the source folders instead of
a collectstatic manifest (the shared working tree has no collected files). Only load/run.py uses
this module; SECRET_KEY comes from it.
"""

from qhsta.settings.production import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
