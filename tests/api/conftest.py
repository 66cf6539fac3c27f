"""Fixtures of the API tests: token clients per account, generous throttles, a clean cache."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from qhsta.api.services import token_issue


@pytest.fixture(autouse=True)
def _api_settings(settings):
    """Throttle buckets live in the cache: each test starts with empty ones."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "token": "100000/hour",
            "anon": "100000/hour",
            "token_obtain": "1000/hour",
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client():
    """An API client sending `Authorization: Token <key>` for `user`."""

    def make(user):
        _, key = token_issue(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def demo_reports(demo):
    """The demo's work items and reports (every state), the literacy survey register's values
    and the rollups computed."""
    from sciencepop.demo import demo_load as literacy_surveys_load
    from tasks.demo import demo_reports_load
    from tasks.rollups.outbox import rollup_all

    demo_reports_load()
    literacy_surveys_load()  # the register that feeds the prefectures' literacy values
    rollup_all()


DEMO_ROLES = (
    "province_admin",
    "dept_officer",
    "reviewer",
    "leader",
    "xining_officer",
    "haixi_officer",
    "datong_officer",
    "society_officer",
)
