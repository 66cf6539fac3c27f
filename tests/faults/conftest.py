"""Fault tests: each asserts that nothing acknowledged is lost when something breaks.

They need PostgreSQL (several processes and threads share the test database) and, for the Celery
ones, redis-server: skipped on SQLite locally, failing in CI (which runs on PostgreSQL and Redis).
`make test` runs them with reduced counts; `make faults` (QHSTA_FAULTS=full) with the full counts
of issue 9. Each count can also be set on its own: QHSTA_FAULT_<NAME>=<n>.
"""

import os

import pytest
from django.db import connection

from tests.tasks.conftest import rollup_world  # noqa: F401 -- the rollup fixture, shared

from .private_postgres import private_postgres  # noqa: F401 -- a cluster of the test's own


def fault_count(name: str, *, full: int, reduced: int) -> int:
    """The number of rounds of fault `name`: QHSTA_FAULT_<NAME>, else full or reduced."""
    if value := os.environ.get(f"QHSTA_FAULT_{name.upper()}"):
        return int(value)
    return full if os.environ.get("QHSTA_FAULTS") == "full" else reduced


@pytest.fixture
def postgres(transactional_db):
    """The test database is PostgreSQL, with its rows committed (other threads see them)."""
    if connection.vendor != "postgresql":
        reason = (
            f"fault tests need PostgreSQL (this run uses {connection.vendor}); "
            "run with DATABASE_URL=postgres://… as CI does"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
