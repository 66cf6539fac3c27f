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

`celery_workers` starts workers on demand (another broker, queue, app module or environment;
kill one, start the next on the same queue); `private_redis` is a redis-server of the test's own
on a free port, which the test may stop and start again (the shared Redis is never stopped).
"""

import contextlib
import os
import re
import shutil
import signal
import socket
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

    def wait_for(self, name: str, *, count: int = 1, timeout: float = 60) -> None:
        """Wait until `count` jobs named `name` (sent by anyone) have succeeded in this worker."""
        done = re.compile(rf"Task {re.escape(name)}\[[^\]]+\] succeeded")
        deadline = time.monotonic() + timeout
        while len(done.findall(self.log())) < count:
            if re.search(rf"Task {re.escape(name)}\[[^\]]+\] (raised|retry)", self.log()):
                pytest.fail(f"a {name} job failed in the worker:\n{self.log()[-4000:]}")
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}):\n{self.log()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{count} {name} job(s) not done in {timeout} s:\n{self.log()[-4000:]}")
            time.sleep(0.1)

    def wait_log(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker never logged {text!r}:\n{self.log()[-4000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job, nothing is acknowledged nor rejected."""
        self.process.kill()
        self.process.wait(STOP_SECONDS)


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


def start_worker(
    *,
    broker_url: str,
    queue: str,
    log_path: Path,
    app: str = "qhsta",
    env: dict | None = None,
) -> CeleryWorker:
    """Start `celery -A app worker` on `queue`, on the test database; returns once it is ready."""
    database_url = database_url_for_worker(connections["default"].settings_dict)
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "qhsta.settings.test"),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "DB_CONN_MAX_AGE": "0",  # no connection left open when the test database is dropped
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                queue,
                "-n",
                f"{queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=settings.BASE_DIR,
            env=worker_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = CeleryWorker(broker_url=broker_url, queue=queue, log_path=log_path, process=process)
    deadline = time.monotonic() + READY_SECONDS
    while not re.search(r"@\S+ ready\.", worker.log()):
        if process.poll() is not None:
            pytest.fail(f"the Celery worker did not start:\n{worker.log()[-4000:]}")
        if time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"the Celery worker was not ready in {READY_SECONDS} s:\n{worker.log()}")
        time.sleep(0.2)
    return worker


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A `celery -A qhsta worker` subprocess on the test database, stopped after the test."""
    broker_url = _broker_url()
    database_url_for_worker(connections["default"].settings_dict)  # skips (fails in CI) early
    queue = f"qhsta-test-{uuid.uuid4().hex[:12]}"
    worker = None
    try:
        worker = start_worker(
            broker_url=broker_url, queue=queue, log_path=tmp_path / "celery-worker.log"
        )
        yield worker
    finally:
        if worker is not None:
            _stop(worker.process)
        _forget_queue(broker_url, queue)


@pytest.fixture
def celery_workers(transactional_db, tmp_path):
    """Start workers as the test needs them: `celery_workers(broker_url=…, queue=…, app=…,
    env={…})` (defaults: the shared test broker, one queue of the test's own, the qhsta app).
    All are stopped after the test and the test's queues on the shared broker forgotten."""
    database_url_for_worker(connections["default"].settings_dict)  # skips (fails in CI) early
    default_queue = f"qhsta-test-{uuid.uuid4().hex[:12]}"
    started: list[CeleryWorker] = []
    shared: set[str] = set()

    def start(*, broker_url=None, queue=None, app="qhsta", env=None) -> CeleryWorker:
        url = broker_url or _broker_url()
        if broker_url is None:
            shared.add(url)
        worker = start_worker(
            broker_url=url,
            queue=queue or default_queue,
            log_path=tmp_path / f"celery-worker-{len(started) + 1}.log",
            app=app,
            env=env,
        )
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            _stop(worker.process)
        for url in shared:
            _forget_queue(url, default_queue)


@dataclass
class RedisServer:
    """A redis-server of the test's own (no persistence), which the test may stop and restart."""

    port: int
    workdir: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _command(self, command: bytes) -> bytes:
        """One command over a plain socket (a client library would retry and back off)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall(command + b"\r\n")
            try:
                return sock.recv(64)
            except OSError:
                return b""

    def alive(self) -> bool:
        try:
            return self._command(b"PING").startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.workdir),
                "--pidfile",
                str(self.workdir / "redis.pid"),
                "--logfile",
                str(self.workdir / "redis.log"),
            ],
            check=True,
            timeout=10,
        )
        deadline = time.monotonic() + 10
        while not self.alive():
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # the connection closes as the server goes
            self._command(b"SHUTDOWN NOSAVE")
        deadline = time.monotonic() + 10
        while self.alive():
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server on port {self.port} did not stop")
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own on a free port, shut down after the test. Ask for it
    before `celery_workers`, so that the workers on it stop before it does."""
    database_url_for_worker(connections["default"].settings_dict)  # for worker tests only
    if shutil.which("redis-server") is None:
        _unavailable("redis-server is not installed; the broker-down test starts its own")
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(port=_free_port(), workdir=workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
