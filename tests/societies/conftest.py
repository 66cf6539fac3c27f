"""Fixtures of the societies tests: the demo tree with annual periods and the demo societies."""

import pytest

from societies.demo import societies_demo_load
from societies.models import Society
from tasks.services import periods_generate


@pytest.fixture
def societies(demo, plan14, django_capture_on_commit_callbacks):
    """The four demo societies with their councils, evaluations, conferences and journals; the
    14th plan has annual periods, so the councils feed its indicator (rollups run eagerly)."""
    periods_generate(plan=plan14, kind="year")
    with django_capture_on_commit_callbacks(execute=True):
        societies_demo_load()
    return {s.organization.code: s for s in Society.objects.select_related("organization")}
