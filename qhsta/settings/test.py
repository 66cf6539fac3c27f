"""Test runs: the database and broker come from the environment (PostgreSQL and Redis in CI)."""

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# load_demo writes the demo reports through the services (seconds); most tests need only the
# organisations and accounts. Tests of the demo reports ask for them: load_demo --reports.
DEMO_REPORTS = False
