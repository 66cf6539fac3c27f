"""A real Celery worker for job tests: `celery -A qhsta worker` in a subprocess, over Redis.

The `celery_worker` fixture starts the worker against the Redis broker (CELERY_BROKER_URL, or
redis://127.0.0.1:6379/15 when that is unset and Redis answers there) and against the test's own
database: the test database's name is read from the connection settings at fixture time (pytest-
django has renamed it to test_<name> by then) and handed to the worker as DATABASE_URL. The
fixture uses `transactional_db`, so what the test writes is committed and the worker sees it, and
what the worker writes the test sees.

The worker listens on a queue of its own, so it never takes another worker's jobs nor another
test run's; jobs are sent through the broker by a small client app (in the test process Celery is
eager when CELERY_BROKER_URL is unset, and eager calls never reach a worker).

It cannot run on SQLite: the test database is in memory and no other process can open it. Then
the test is skipped with the reason, and when CI is set it fails instead.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connections

LOCAL_BROKER = "redis://127.0.0.1:6379/15"
READY_SECONDS = 60
STOP_SECONDS = 20


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"the Celery worker test cannot run in CI: {reason}")
    pytest.skip(reason)


def _broker_url() -> str:
    import redis

    url = os.environ.get("CELERY_BROKER_URL") or LOCAL_BROKER
    if not url.startswith(("redis://", "rediss://")):
        _unavailable(f"the worker fixture needs a Redis broker, CELERY_BROKER_URL is {url!r}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at {url} does not answer ({exc}); set CELERY_BROKER_URL")
    return url


def database_url_for_worker(settings_dict: dict) -> str:
    """DATABASE_URL naming the database the test is using right now (the test database)."""
    engine = settings_dict["ENGINE"]
    if "postgresql" not in engine:
        _unavailable(
            f"a worker process cannot share this test database ({engine}, "
            f"{settings_dict['NAME']!r}: SQLite test databases live in the test's memory); "
            "run with DATABASE_URL=postgres://… as CI does"
        )
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}" if password else user
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    auth = f"{credentials}@" if credentials else ""
    return f"postgres://{auth}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    """A running worker: send jobs to it and wait for them to finish."""

    broker_url: str
    queue: str
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def send(self, name: str, *, kwargs: dict | None = None) -> str:
        """Put job `name` on this worker's queue through the broker; returns the job's id."""
        from celery import Celery

        client = Celery("qhsta-test-client", broker=self.broker_url, set_as_current=False)
        client.conf.update(
            task_serializer="json",
            accept_content=["json"],
            broker_connection_timeout=3,
            broker_connection_retry_on_startup=False,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = client.send_task(name, kwargs=kwargs or {}, queue=self.queue)
        client.close()
        return result.id

    def wait(self, task_id: str, timeout: float = 60) -> str:
        """Wait until the worker logs the job's end; returns its logged result, fails on an error."""
        done = re.compile(rf"\[{re.escape(task_id)}\] succeeded in [0-9.e-]+s: (.*)")
        failed = re.compile(rf"\[{re.escape(task_id)}\] (raised|retry)")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if match := done.search(log):
                return match.group(1).strip()
            if failed.search(log):
                pytest.fail(f"job {task_id} failed in the worker:\n{log[-4000:]}")
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{log[-4000:]}")
            time.sleep(0.1)
        pytest.fail(f"job {task_id} did not finish in {timeout} s:\n{self.log()[-4000:]}")

    def run(self, name: str, *, timeout: float = 60, **kwargs) -> str:
        return self.wait(self.send(name, kwargs=kwargs), timeout=timeout)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the job in hand
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)


def _forget_queue(broker_url: str, queue: str) -> None:
    import redis

    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=3)
        keys = list(client.scan_iter(match=f"*{queue}*"))  # the queue and kombu's bindings of it
        if keys:
            client.delete(*keys)
    except redis.RedisError:
        pass


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A `celery -A qhsta worker` subprocess on the test database, stopped after the test."""
    broker_url = _broker_url()
    database_url = database_url_for_worker(connections["default"].settings_dict)
    queue = f"qhsta-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "qhsta.settings.test"),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DB_CONN_MAX_AGE": "0",  # no connection left open when the test database is dropped
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "celery-worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "qhsta",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = CeleryWorker(broker_url=broker_url, queue=queue, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not re.search(r"@\S+ ready\.", worker.log()):
            if process.poll() is not None:
                pytest.fail(f"the Celery worker did not start:\n{worker.log()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the Celery worker was not ready in {READY_SECONDS} s:\n{worker.log()}"
                )
            time.sleep(0.2)
        yield worker
    finally:
        _stop(process)
        _forget_queue(broker_url, queue)
