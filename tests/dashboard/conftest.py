"""The demo with its reports and the rollups of 2024 and 2025 stored, as the dashboards read them."""

import pytest
from django.contrib.auth import get_user_model

from tests.dashboard.data import build_rolled


@pytest.fixture
def rolled(demo):
    """Demo reports in every state, the literacy survey's results, and every 2024–2025
    quarter's rollups computed in full."""
    return build_rolled()


@pytest.fixture
def as_user(client):
    def _as(username: str):
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _as
