"""Settings shared by every environment; each value that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from qhsta.env import BASE_DIR, database_config, env

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-not-for-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
IS_PRODUCTION = False

INSTALLED_APPS = [
    "qhsta.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "knox",
    "qhsta.api",
    "guardian",
    "treebeard",
    "simple_history",
    "axes",
    "qhsta",
    "orgs",
    "plan",
    "tasks",
    "societies",
    "sciencepop",
    "thinktank",
    "dashboard",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qhsta.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in session lives SESSION_IDLE_MINUTES past its last request.
    "orgs.middleware.SessionIdleMiddleware",
    # Default deny: every page needs a login unless its view says otherwise.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # The audit log: the request's address for services' entries, exports, superuser use.
    "orgs.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An initial or expired password: the password change page before anything else.
    "orgs.middleware.PasswordChangeRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "qhsta.middleware.AccessDeniedLogMiddleware",
    # Login throttling; must be last.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp) on every page, in every environment: scripts, styles and
# everything else come only from this server's own static files. No page has an inline script, an
# on* attribute or an inline style: page scripts live in static/js, chart figures travel in
# <script type="application/json"> data blocks, which are never run. data: images are Bootstrap's
# and Swagger UI's icons, inlined in their stylesheets. The DRF browsable API alone allows style
# attributes (qhsta.api.renderers.BrowsableAPIRenderer); evidence downloads send their own, stricter
# policy (tasks.reporting.views.EvidenceDownloadView).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "qhsta.urls"
WSGI_APPLICATION = "qhsta.wsgi.application"
ASGI_APPLICATION = "qhsta.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgs.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config(env("DATABASE_URL", default=""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# The password policy (等保 2.0 level 3; README "Accounts, passwords and sessions"): at least
# PASSWORD_MIN_LENGTH characters of PASSWORD_MIN_CLASSES kinds (lower, upper, digits, symbols),
# none of the last PASSWORD_HISTORY_COUNT again, changed every PASSWORD_MAX_AGE_DAYS days (0:
# never), and a password set by an administrator changed at the first login. The history
# validator also records every change and ends the account's tokens and sessions (orgs.passwords).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
PASSWORD_MIN_CLASSES = env.int("PASSWORD_MIN_CLASSES", default=3)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "orgs.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "orgs.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": PASSWORD_HISTORY_COUNT},
    },
]
# A password reset link works for an hour.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=60 * 60)
# Sessions end after SESSION_IDLE_MINUTES without a request (orgs.middleware pushes the expiry
# back as requests come), and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plan:plan_current"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from npm (package.json) and are served by this server only.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
    ("vendor/swagger-ui", BASE_DIR / "node_modules/swagger-ui-dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded evidence lives outside the web root and is served only through views that check scope.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="qhsta-portal@localhost")
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# Celery: Redis in production; in-process (eager) when no broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A late-acknowledged job running when the broker connection drops cannot be acknowledged any
# more; it is cancelled and redelivered (the jobs are safe to run again), as Celery 6 will do.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A publish from a request tries the broker once (kombu would otherwise sleep 2 s, then 4 s,
# between attempts); the worker reconnects by its own retry settings, not these.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
    "max_retries": 0,
}
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs (exactly one beat process runs them).
CELERY_BEAT_SCHEDULE: dict = {
    # Report reminders by e-mail, every morning (the job sends at most one e-mail per user a day).
    "send-report-reminders": {
        "task": "tasks.jobs.send_report_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Progress and indicator rollups: all of them nightly; missed outbox rows every minute.
    "recompute-rollups": {
        "task": "tasks.jobs.recompute_all",
        "schedule": crontab(hour=2, minute=30),
    },
    "relay-rollup-requests": {
        "task": "tasks.jobs.relay_rollup_requests",
        "schedule": 60.0,
    },
    # County venue coverage: a new year's values and counties added to the tree (venue changes
    # feed their county at once), before the nightly recompute.
    "feed-venue-coverage": {
        "task": "sciencepop.jobs.feed_venue_coverage",
        "schedule": crontab(hour=2, minute=0),
    },
    # Council shares: members' joining and leaving dates take effect on their day.
    "refresh-council-shares": {
        "task": "societies.jobs.refresh_council_shares",
        "schedule": crontab(hour=2, minute=5),
    },
    # Audit log entries past the retention period (never younger than 180 days).
    "purge-audit-log": {
        "task": "orgs.jobs.purge_audit_log",
        "schedule": crontab(hour=3, minute=15),
    },
}

# The audit log is kept this many days (GB/T 22239 level 3: at least 180; less is ignored).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Reverse proxies in front of the portal that append to X-Forwarded-For (nginx in
# docker-compose.yml and deploy/: 1). The client's address is read behind them only (qhsta.net);
# 0 (no proxy): the connection's own address.
TRUSTED_PROXIES = env.int("QHSTA_TRUSTED_PROXIES", default=0)

# Login throttling (django-axes): after 5 failures an account is locked for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Locked per account AND address: failing someone's password from one address locks that pair
# only, so nobody can lock an official out from elsewhere; the owner is let back in by an
# administrator (the account page's "Unlock", orgs.services.user_unlock) or when the lock ends.
# The counters are AccessAttempt rows in the database, shared by every web process (and what the
# unlock removes, at every address at once).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "qhsta.net.client_address"
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# The plan data file load_plan reads by default.
PLAN_DATA_FILE = BASE_DIR / "plan" / "data" / "qhsta-14th.yaml"

REST_FRAMEWORK = {
    # Session first: a request without valid credentials answers 403, as it always has.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "qhsta.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["qhsta.scoping.permissions.ScopedPermission"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "qhsta.api.renderers.BrowsableAPIRenderer",  # under the CSP, with DRF's style attributes
    ],
    "DEFAULT_PAGINATION_CLASS": "qhsta.api.pagination.ApiPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "qhsta.api.errors.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXIES,  # DRF's own reading of the address agrees with qhsta.net
    # Per token (a browser session: per user) and per anonymous address; see qhsta/api/throttles.py.
    "DEFAULT_THROTTLE_CLASSES": [
        "qhsta.api.throttles.TokenRateThrottle",
        "qhsta.api.throttles.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_TOKEN", default="2000/hour"),
        "anon": env("API_THROTTLE_ANON", default="60/hour"),
        "token_obtain": env("API_THROTTLE_TOKEN_OBTAIN", default="20/hour"),
    },
}
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=1000)
# API tokens (django-rest-knox, hashed, in api.ApiToken): lifetime in days (0: no expiry). A
# password change or reset and a deactivation delete the account's tokens (orgs.services).
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105  (a model name, not a secret)
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": None}
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=20)
# knox's own token table is never used (the model is api.ApiToken), yet its first migration
# creates it, with a key to auth_user that blocks emptying that table: knox is left unmigrated.
MIGRATION_MODULES = {"knox": None}
SPECTACULAR_SETTINGS = {
    "TITLE": "QHSTA plan portal API",
    "DESCRIPTION": "REST API v1 of the Qinghai STA plan-management portal: plans, tasks, "
    "reports, indicators and rollups, scoped to what the client's user may see.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
