"""The deployment files, checked by reading them (there is no Docker in CI): the compose file's
shape, nginx in front with the upload limit and proxy headers Django trusts, the Celery queues
routed in production and consumed by a worker each, the units without Docker, JSON logs."""

import configparser
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
NGINX = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
SECRET = "k" * 20 + "Zx9-" + "q" * 40
APP_SERVICES = ("migrate", "web", "worker-rollups", "worker-mail", "beat")
LONG_RUNNING = [name for name in SERVICES if name != "migrate"]


def command_of(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def production_settings(code: str) -> str:
    """Run `code` under the production settings in a fresh process; returns its stdout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="qhsta.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="portal.example",
        CSRF_TRUSTED_ORIGINS="https://portal.example,https://www.portal.example",
        CACHE_URL="redis://127.0.0.1:6379/14",
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_compose_has_every_service_of_the_production_shape():
    assert set(SERVICES) == {
        "db",
        "redis",
        "migrate",
        "web",
        "worker-rollups",
        "worker-mail",
        "beat",
        "nginx",
    }
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert SERVICES["nginx"]["image"].startswith("nginx:")
    for name in APP_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "qhsta.settings.production", name
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"


def test_exactly_one_beat_which_cannot_be_scaled():
    beats = [name for name, s in SERVICES.items() if re.search(r"\bbeat\b", command_of(s))]
    assert beats == ["beat"]
    beat = SERVICES["beat"]
    assert beat["container_name"]  # a fixed name: `--scale beat=2` fails instead of doubling jobs
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert "celerybeat-schedule" in command_of(beat)
    schedule_dir = re.search(r"--schedule=(\S+)/celerybeat-schedule", command_of(beat)).group(1)
    assert any(v.split(":")[1] == schedule_dir for v in beat["volumes"])  # kept on a volume
    assert not any(
        re.search(r"\bbeat\b|-B\b", command_of(SERVICES[n])) for n in SERVICES if n != "beat"
    )


def test_every_long_running_service_restarts_and_has_a_health_check():
    for name in LONG_RUNNING:
        service = SERVICES[name]
        assert service["restart"] in ("unless-stopped", "always"), name
        test = service["healthcheck"]["test"]
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
    assert SERVICES["migrate"]["restart"] == "no"  # runs once per deployment


def test_state_lives_on_named_volumes():
    declared = set(COMPOSE["volumes"])
    assert {"pgdata", "redisdata", "media", "beat", "backups"} <= declared
    mounts = {
        name: {v.split(":")[0]: v.split(":")[1] for v in s.get("volumes", [])}
        for name, s in SERVICES.items()
    }
    assert mounts["db"]["pgdata"] == "/var/lib/postgresql/data"
    assert mounts["redis"]["redisdata"] == "/data"
    for name in ("web", "worker-rollups", "worker-mail"):
        assert mounts[name]["media"] == SERVICES[name]["environment"]["MEDIA_ROOT"]
    # the evidence volume is not given to nginx: nothing uploaded is ever served as a file
    assert "media" not in mounts["nginx"]
    for name, volumes in mounts.items():
        for source in volumes:
            assert source in declared or source.startswith("./deploy/"), (name, source)


def test_services_start_in_order_of_health():
    for name in ("web", "worker-rollups", "worker-mail", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_only_nginx_is_published_and_gunicorn_workers_come_from_the_environment():
    published = {name for name, s in SERVICES.items() if s.get("ports")}
    assert published == {"nginx"}
    web = SERVICES["web"]
    assert command_of(web) == "gunicorn -c deploy/gunicorn.conf.py"
    assert "WEB_CONCURRENCY" in web["environment"]
    conf = (ROOT / "deploy" / "gunicorn.conf.py").read_text(encoding="utf-8")
    assert 'os.environ.get("WEB_CONCURRENCY")' in conf


def test_gunicorn_config_takes_its_workers_from_the_environment():
    env = {**os.environ, "WEB_CONCURRENCY": "7", "GUNICORN_THREADS": "2"}
    code = "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); print(c['workers'], c['threads'], c['wsgi_app'])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["7", "2", "qhsta.wsgi:application"]


def test_queues_are_routed_in_production_and_each_has_a_worker():
    routes = json.loads(
        production_settings(
            "from django.conf import settings; import json; print(json.dumps(settings.CELERY_TASK_ROUTES))"
        )
    )
    assert routes["tasks.jobs.recompute_chain"]["queue"] == "rollups"
    assert routes["tasks.jobs.relay_rollup_requests"]["queue"] == "rollups"
    assert routes["tasks.jobs.recompute_all"]["queue"] == "rollups"
    assert routes["tasks.jobs.recompute_indicator"]["queue"] == "rollups"
    assert routes["tasks.jobs.send_report_reminders"]["queue"] == "mail"
    consumed = {}
    for name, service in SERVICES.items():
        if match := re.search(r"celery -A qhsta worker .*--queues=(\S+)", command_of(service)):
            for queue in match.group(1).split(","):
                consumed.setdefault(queue, []).append(name)
    assert consumed == {
        "rollups": ["worker-rollups"],
        "celery": ["worker-rollups"],
        "mail": ["worker-mail"],
    }
    # every periodic job goes to a queue some worker takes
    from qhsta.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert routes.get(entry["task"], {"queue": "celery"})["queue"] in consumed
    import tasks.jobs  # noqa: F401 -- registers the routed jobs

    for task in routes:
        assert task in app.tasks, f"route for a job that does not exist: {task}"


def test_nginx_limits_uploads_to_the_evidence_size_and_sets_the_proxy_headers():
    match = re.search(r"client_max_body_size\s+(\d+)m;", NGINX)
    assert match, "client_max_body_size is not set"
    limit_mb = int(match.group(1))
    evidence_mb = settings.EVIDENCE_MAX_BYTES / (1024 * 1024)
    assert evidence_mb <= limit_mb <= evidence_mb + 2  # the file plus its form, not much more
    # Django trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER): nginx must set it itself
    header = production_settings(
        "from django.conf import settings; print(*settings.SECURE_PROXY_SSL_HEADER)"
    ).split()
    assert header == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert re.search(r"proxy_set_header X-Forwarded-Proto (https|\$scheme);", NGINX)
    assert "proxy_set_header Host $host;" in NGINX
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX
    assert "proxy_pass http://qhsta_web;" in NGINX and "server web:8000" in NGINX
    assert "server_tokens off;" in NGINX
    # nothing is served from a folder: no alias/root to media or evidence
    assert not re.search(r"^\s*(alias|root)\s", NGINX, re.M)
    assert "listen 443 ssl" in NGINX and "return 301 https://" in NGINX


def test_nginx_health_probe_matches_the_compose_check():
    probe = SERVICES["nginx"]["healthcheck"]["test"]
    assert "http://127.0.0.1/nginx-health" in probe
    assert "location = /nginx-health" in NGINX


def test_csrf_trusted_origins_come_from_the_environment():
    out = production_settings(
        "from django.conf import settings; print(*settings.CSRF_TRUSTED_ORIGINS)"
    )
    assert out.split() == ["https://portal.example", "https://www.portal.example"]
    example = (ROOT / "deploy" / "env.example").read_text(encoding="utf-8")
    for key in (
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "WEB_CONCURRENCY",
        "CACHE_URL",
        "QHSTA_TRUSTED_PROXIES",
    ):
        assert re.search(rf"^{key}=", example, re.M), key


def test_the_web_processes_share_a_redis_cache_and_trust_nginx_only():
    """Throttle counters in Redis (not per gunicorn worker); the client's address read behind
    the one proxy compose puts in front (nginx appends it to X-Forwarded-For)."""
    web = SERVICES["web"]["environment"]
    assert web["CACHE_URL"].startswith("redis://redis:6379/")
    assert web["CACHE_URL"] != web["CELERY_BROKER_URL"]
    assert str(web["QHSTA_TRUSTED_PROXIES"]) == "1"
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX
    out = production_settings(
        "from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.TRUSTED_PROXIES)"
    )
    assert out.split() == ["django.core.cache.backends.redis.RedisCache", "0"]


def test_production_logs_are_json_lines_on_stdout():
    out = production_settings(
        "import logging\n"
        "logging.getLogger('django.request').warning('Not Found: %s', '/x', extra={'status_code': 404})\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    logging.getLogger('qhsta').exception('failed')\n"
    )
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "django.request"
    assert lines[0]["message"] == "Not Found: /x" and lines[0]["status_code"] == 404
    assert lines[1]["level"] == "ERROR" and "ZeroDivisionError" in lines[1]["exception"]
    assert {"time", "level", "logger", "message", "process"} <= set(lines[0])


def test_json_formatter_leaves_out_objects_it_cannot_write():
    from qhsta.logging import JsonFormatter

    record = logging.makeLogRecord(
        {"msg": "hello %s", "args": ("世界",), "levelname": "INFO", "name": "t", "sock": object()}
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello 世界" and "sock" not in entry


def test_web_health_check_script_names_an_allowed_host():
    script = (ROOT / "deploy" / "healthcheck.py").read_text(encoding="utf-8")
    assert "ALLOWED_HOSTS" in script and "/healthz" in script
    assert SERVICES["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py"]


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "deploy" / "systemd" / name, encoding="utf-8")
    return parser


@pytest.mark.parametrize(
    "name",
    ["qhsta-web.service", "qhsta-worker@.service", "qhsta-beat.service", "qhsta-migrate.service"],
)
def test_systemd_units_run_the_same_processes(name):
    service = unit(name)["Service"]
    assert service["User"] == "qhsta"
    assert service["EnvironmentFile"] == "/etc/qhsta/env"
    assert service["Environment"].startswith(
        "DJANGO_SETTINGS_MODULE=qhsta.settings.production"
    ) or (
        "DJANGO_SETTINGS_MODULE=qhsta.settings.production"
        in (ROOT / "deploy" / "systemd" / name).read_text()
    )
    if name != "qhsta-migrate.service":
        assert service["Restart"] == "always"


def test_procfile_has_one_beat_and_a_worker_per_queue():
    lines = dict(
        line.split(":", 1)
        for line in (ROOT / "deploy" / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(lines) == {"web", "worker_rollups", "worker_mail", "beat"}
    assert "--queues=rollups,celery" in lines["worker_rollups"]
    assert "--queues=mail" in lines["worker_mail"]
    assert sum(" beat " in f" {v} " for v in lines.values()) == 1


def test_image_runs_gunicorn_from_its_config_and_can_back_up():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]' in dockerfile
    assert "postgresql-client" in dockerfile  # pg_dump / pg_restore for manage.py backup
    assert "USER qhsta" in dockerfile  # not root
    for folder in ("/var/lib/qhsta/media", "/var/lib/qhsta/beat", "/var/lib/qhsta/backups"):
        assert folder in dockerfile
    assert SERVICES["db"]["image"].split(":")[1].split(".")[0] == "15"  # = bookworm's client
