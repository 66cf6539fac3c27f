"""Fixtures of the science-popularisation tests: the demo tree with the plan's reporting periods."""

import pytest
from django.contrib.auth import get_user_model

from orgs.models import Organization


@pytest.fixture
def sp(reporting):
    """Quarterly periods of the 14th plan, the demo organisations and accounts."""

    class World:
        orgs = {o.code: o for o in Organization.objects.all()}
        users = {u.username: u for u in get_user_model().objects.all()}
        literacy = reporting.literacy
        plan = reporting.literacy.plan

    return World
