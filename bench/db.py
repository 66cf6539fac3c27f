"""The benchmark's own PostgreSQL database: one schema per data size, Django pointed at it.

Each data size lives in its own schema (`bench_r500000`, ...) of the database named by
BENCH_DATABASE_URL, so both sizes stay on disk and a repeated run measures without regenerating.
Django reaches a schema through the connection's search_path.
"""

import json
import os
from urllib.parse import unquote, urlsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qhsta_bench"
# The portal's own databases: the generator empties tables, so it never runs against these.
FORBIDDEN = {"qhsta", "test_qhsta"}
MARKER_TABLE = "bench_dataset"


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL


def _parts(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"BENCH_DATABASE_URL must be a postgres:// URL, got {parts.scheme}://")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise SystemExit("BENCH_DATABASE_URL names no database")
    if name in FORBIDDEN:
        raise SystemExit(
            f"refusing to benchmark in {name!r}: that is one of the portal's databases"
        )
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password) if parts.password else None,
        "dbname": name,
    }


def ensure_database(url: str) -> bool:
    """Create the benchmark database when it is missing; returns whether it was created."""
    import psycopg2
    from psycopg2 import sql

    parts = _parts(url)
    name = parts.pop("dbname")
    conn = psycopg2.connect(dbname="postgres", connect_timeout=5, **parts)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        conn.close()


def schema_for(reports: int, layout: str = "lists") -> str:
    """`bench_r500000` for the scoped lists; `bench_roll100k`, `bench_roll1m` for the rollups."""
    if layout == "lists":
        return f"bench_r{reports}"
    if reports % 1_000_000 == 0:
        size = f"{reports // 1_000_000}m"
    elif reports % 1_000 == 0:
        size = f"{reports // 1_000}k"
    else:
        size = str(reports)
    return f"bench_roll{size}"


def setup_django(url: str, schema: str) -> None:
    """Django on the local settings, connected to `schema` of the benchmark database, migrated."""
    _parts(url)  # refuses the portal's databases
    os.environ["DJANGO_SETTINGS_MODULE"] = "qhsta.settings.local"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per test-client login
    import django
    from django.conf import settings

    database = settings.DATABASES["default"]
    database.setdefault("OPTIONS", {})["options"] = f"-c search_path={schema}"
    settings.DEBUG = False  # no query log: CaptureQueriesContext turns it on where it counts
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    django.setup()

    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key text PRIMARY KEY, value text NOT NULL)"
        )
    call_command("migrate", interactive=False, verbosity=0)


def marker_read() -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {MARKER_TABLE} WHERE key = 'dataset'")  # noqa: S608
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def marker_write(value: dict) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (key, value) VALUES ('dataset', %s) "  # noqa: S608
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(value)],
        )


def marker_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
