#!/usr/bin/env python
"""Django's command-line utility, with one clear line instead of a traceback for bad settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qhsta.settings.local")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError

        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"error: configuration: {exc}")
    except OperationalError as exc:
        from django.conf import settings

        from qhsta.env import env, redact_url

        where = redact_url(env("DATABASE_URL", default="")) or settings.DATABASES["default"]["NAME"]
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        sys.exit(f"error: cannot use the database at {where}: {first}")


if __name__ == "__main__":
    main()
