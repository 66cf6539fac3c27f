"""Development on one machine: SQLite and eager Celery unless the environment says otherwise."""

from .base import *

# Serve static files straight from their sources (npm packages, static/) without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
