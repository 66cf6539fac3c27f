"""Fixtures shared by the whole suite: the loaded plan, the demo organisations, a user per role."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from plan.services import plan_load

pytest_plugins = ["tests.celery_worker"]

DEMO_PASSWORD = "qhsta-demo-2026"


def pytest_sessionstart(session):
    """In CI the suite must run against the real services; a missing one fails the run."""
    if not os.environ.get("CI"):
        return
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith(("postgres://", "postgresql://")):
        pytest.exit("CI is set but DATABASE_URL does not point at PostgreSQL", returncode=3)
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        pytest.exit("CI is set but CELERY_BROKER_URL does not point at Redis", returncode=3)
    import redis

    try:
        redis.Redis.from_url(broker, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.exit(f"CI is set but Redis at {broker} does not answer: {exc}", returncode=3)


WORKER_FIXTURES = {"celery_worker", "celery_workers", "private_redis"}


@pytest.fixture(autouse=True)
def eager_jobs(request):
    """Jobs run in-process, also when CI configures a broker (nothing consumes it outside the
    worker tests): a test that changes a record sees its rollups move. Tests that start a real
    worker or a private broker publish for real."""
    if WORKER_FIXTURES & set(request.fixturenames):
        yield
        return
    from qhsta.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def reference_orgs(db):
    """The provincial STA and the eight prefecture STAs."""
    call_command("load_orgs", verbosity=0)


@pytest.fixture
def plan14(reference_orgs):
    """The 14th Five-Year Plan loaded from the project's data file."""
    return plan_load(path=settings.PLAN_DATA_FILE).plan


@pytest.fixture
def demo(db, plan14):
    """Reference and demo organisations and the demo accounts."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def login(client):
    """Log the test client in as a demo account (the login form itself is tested on its own)."""

    def _login(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _login


@pytest.fixture
def world(demo, plan14):
    """The demo tree, a second province with its plan, and a test account per role."""
    from tests.world import build_world

    return build_world(plan14)


@pytest.fixture
def reporting(demo, plan14):
    """Quarterly periods and a 2025 work item of task 19: Xining leads (with the literacy
    indicator), Haixi supports."""
    from tests.reporting import build_reporting

    return build_reporting(plan14)
