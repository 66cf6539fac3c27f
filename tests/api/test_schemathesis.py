"""Schemathesis over the whole OpenAPI schema, as each demo role: no 5xx, every answer matches
the schema, and nothing outside the role's scope comes back.

Deterministic (derandomized, no example database) and bounded: a few examples per operation."""

import json

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from orgs.models import Organization
from plan.models import Plan
from qhsta.api.services import token_issue
from qhsta.scoping import Action

from .conftest import DEMO_ROLES

pytestmark = pytest.mark.django_db
EXAMPLES = 3


def _scope_check(role, visible_orgs, visible_plans, response):
    if response.status_code != 200 or "json" not in response.headers.get("Content-Type", [""])[0]:
        return
    body = json.loads(response.content)
    rows = body.get("results", [body]) if isinstance(body, dict) else []
    for row in rows:
        if not isinstance(row, dict):
            continue
        org = row.get("organization")
        if isinstance(org, str) and "code" not in row:  # an organisation of a row (orgs have code)
            assert org in visible_orgs, (role, response.request.url, org)
        if "code" in row and "kind" in row:  # an organisation itself
            assert row["code"] in visible_orgs, (role, row["code"])
        plan = row.get("plan")
        if isinstance(plan, str):
            assert plan in visible_plans, (role, plan)


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request must not close the test's database connection
    (schemathesis calls the WSGI application, which ends each request by closing old ones)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_whole_schema_as_each_demo_role(demo_reports, keep_connection):
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    schema.app = get_wsgi_application()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    User = get_user_model()
    failures = []
    for role in DEMO_ROLES:
        user = User.objects.get(username=role)
        _, key = token_issue(user=user, name="schemathesis")
        headers = {"Authorization": f"Token {key}"}
        visible_orgs = set(
            Organization.objects.restrict(user, Action.VIEW).values_list("code", flat=True)
        )
        visible_plans = set(Plan.objects.restrict(user, Action.VIEW).values_list("code", flat=True))
        for operation in operations:
            if operation.path.endswith("/auth/token/"):
                continue  # a password per example would lock the demo accounts (axes)
            try:
                _fuzz(
                    operation,
                    headers,
                    checks,
                    lambda r, role=role, o=visible_orgs, p=visible_plans: _scope_check(
                        role, o, p, r
                    ),
                )
            except Exception as exc:  # every failing operation is listed, not only the first
                failures.append(f"{role} {operation.method.upper()} {operation.path}: {exc}"[:1500])
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, headers, checks, in_scope):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)
        in_scope(response)

    run()
