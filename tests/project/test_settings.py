"""Settings from the environment: production refuses a weak secret and passes check --deploy;
a bad DATABASE_URL gives one clear line."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SECRET = "k" * 20 + "Zx9-" + "q" * 40


def manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "SECRET_KEY",
            "DEBUG",
            "CELERY_BROKER_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="qhsta.settings.production", ALLOWED_HOSTS="portal.example"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_passes_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="qhsta.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portal.example",
        CACHE_URL="redis://127.0.0.1:6379/14",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_shared_cache():
    """Throttle counters per process would let N web processes through N times every limit."""
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="qhsta.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode != 0
    assert "CACHE_URL must point at Redis" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="qhsta.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portal.example",
        CACHE_URL="redis://127.0.0.1:6379/14",
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr


def test_debug_is_off_unless_turned_on():
    result = manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)"
    )
    assert result.stdout.strip() == "False"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DEBUG="1",
    )
    assert result.stdout.strip() == "True"


def test_celery_is_eager_without_a_broker_and_uses_redis_with_one():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)"
    assert manage("shell", "--no-imports", "-c", code).stdout.strip() == "True"
    assert (
        manage(
            "shell", "--no-imports", "-c", code, CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
        ).stdout.strip()
        == "False"
    )


def test_unknown_database_scheme_is_one_clear_line():
    result = manage("migrate", DATABASE_URL="mongodb://db.example/qhsta")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DATABASE_URL must look like postgres://" in lines[0]


def test_unreachable_database_is_one_clear_line():
    result = manage(
        "migrate", DATABASE_URL="postgres://qhsta:secret@127.0.0.1:1/qhsta", DB_CONNECT_TIMEOUT="2"
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "error: cannot use the database at postgres://qhsta:***@127.0.0.1:1/qhsta"
    )
    assert "secret" not in result.stderr
