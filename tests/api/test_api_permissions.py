"""The permission matrix of the role-scoping issue over every API route: each role × objects
inside and outside its scope × read and write methods; lists hold nothing outside the scope."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from orgs.models import Organization
from qhsta.api.services import token_issue
from qhsta.scoping import Action, user_can
from tasks import services
from tasks.models import IndicatorRollup, IndicatorValue, ProgressRollup
from tasks.rollups.outbox import rollup_all
from tests.world import EXPECTED_VISIBLE

pytestmark = pytest.mark.django_db

PLAN_BOUND = ["plans", "task-groups", "tasks", "indicators", "periods", "work-items"]
ORG_BOUND = ["assignments", "progress-reports", "indicator-values", "rollups", "indicator-rollups"]


@pytest.fixture
def scene(world, reporting):
    """Reports with a value for Xining and Haixi (approved, so rollups exist), rollups computed."""
    for assignment, officer in (
        (reporting.xining, "xining_officer"),
        (reporting.haixi, "haixi_officer"),
    ):
        user = get_user_model().objects.get(username=officer)
        report = services.report_open(user=user, assignment=assignment, period=reporting.period)
        values = []
        if assignment == reporting.xining:
            values = [services.ValueInput(reporting.rate, numerator=436, denominator=4000)]
        report = services.report_save(
            user=user,
            report=report,
            version=report.version,
            data={"percent_complete": 50, "progress_status": "on_track", "narrative": "n"},
            values=values,
        )
        report = services.report_submit(user=user, report=report, version=report.version)
        services.report_approve(user=reporting.users["reviewer"], report=report)
    rollup_all()
    return reporting


def _objects(world, reporting):
    """(resource, id, organisation code or None for the plan's own rows)."""
    from plan.models import Indicator, KeyTask, TaskGroup

    qh = world.plans["qh"]
    gansu = world.plans["gansu"]
    rows = [
        ("plans", qh.pk, None),
        ("plans", gansu.pk, "gansu"),
        ("task-groups", TaskGroup.objects.filter(plan=qh).first().pk, None),
        ("tasks", KeyTask.objects.get(plan=qh, number=19).pk, None),
        ("indicators", Indicator.objects.get(plan=qh, code="science-literacy-rate").pk, None),
        ("periods", reporting.period.pk, None),
        ("work-items", reporting.work_item.pk, None),
    ]
    for assignment, code in ((reporting.xining, "xining"), (reporting.haixi, "haixi")):
        rows.append(("assignments", assignment.pk, code))
        rows.append(("progress-reports", assignment.reports.get().pk, code))
    rows.append(
        ("indicator-values", IndicatorValue.objects.get(organization__code="xining").pk, "xining")
    )
    for code in ("xining", "haixi"):
        rows.append(
            ("rollups", ProgressRollup.objects.filter(organization__code=code).first().pk, code)
        )
    rows.append(
        (
            "indicator-rollups",
            IndicatorRollup.objects.filter(organization__code="xining").first().pk,
            "xining",
        )
    )
    rows.append(
        (
            "rollups",
            ProgressRollup.objects.get(org_key=0, level="plan", period=reporting.period).pk,
            "qhsta",  # the figures for all organisations: only who sees the whole province
        )
    )
    return rows


def _client(user):
    client = APIClient()
    if user is not None:
        if user.is_active:
            _, key = token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        else:
            client.force_login(user)  # an inactive user's session is dropped at once
    return client


def _visible(role, code):
    visible = EXPECTED_VISIBLE.get(role, set())
    if code is None:  # the Qinghai plan and its parts: everyone in Qinghai's tree
        return any(not c.startswith("gansu") for c in visible)
    if code == "gansu":
        return any(c.startswith("gansu") for c in visible)
    return code in visible


@pytest.mark.parametrize("role", [*EXPECTED_VISIBLE, "anonymous"])
def test_every_api_route_per_role(scene, world, role):
    user = world.users.get(role)
    client = _client(user)
    for resource, pk, code in _objects(world, scene):
        url = f"/api/v1/{resource}/{pk}/"
        response = client.get(url)
        listed = client.get(f"/api/v1/{resource}/?page_size=1000")
        if role in ("anonymous", "inactive_officer"):
            assert response.status_code == 403, (url, role)
            assert listed.status_code == 403, (url, role)
            continue
        expected = _visible(role, code)
        assert response.status_code == (200 if expected else 404), (url, role, response.status_code)
        assert listed.status_code == 200
        ids = {row["id"] for row in listed.json()["results"]}
        assert (pk in ids) == expected, (resource, role)
        for method in ("put", "delete"):
            assert getattr(client, method)(url, {}, format="json").status_code in (403, 404, 405)
        if resource in ("progress-reports", "indicator-values"):
            status = client.patch(url, {"version": 999}, format="json").status_code
            if not expected:
                assert status == 404, (url, role)
            elif user_can(
                user,
                Action.REPORT,
                type(scene.xining.reports.first()).objects.get(pk=pk)
                if resource == "progress-reports"
                else IndicatorValue.objects.get(pk=pk),
            ):
                assert status in (400, 409), (url, role, status)  # allowed; approved or stale
            else:
                assert status == 403, (url, role, status)
        elif resource not in ("rollups",):
            assert client.patch(url, {}, format="json").status_code in (403, 404, 405)


@pytest.mark.parametrize("role", [r for r in EXPECTED_VISIBLE if r != "inactive_officer"])
def test_lists_hold_nothing_out_of_scope(scene, world, role):
    client = _client(world.users[role])
    visible = EXPECTED_VISIBLE[role]
    # a province-wide role sees every organisation of the province's tree (indicators expected of
    # every prefecture or society have rows for each, reported or missing)
    province = (
        set(
            Organization.objects.filter(
                path__startswith=Organization.objects.get(code="qhsta").path
            ).values_list("code", flat=True)
        )
        if "qhsta" in visible
        else set()
    )
    for resource in ORG_BOUND:
        rows = client.get(f"/api/v1/{resource}/?page_size=1000").json()["results"]
        for row in rows:
            org = row["organization"]
            if org is not None:
                assert (
                    any(org == v or org.startswith(f"{v}-") for v in visible)
                    or org in visible
                    or org in province
                ), (
                    resource,
                    role,
                    org,
                )
    for resource in PLAN_BOUND:
        body = client.get(f"/api/v1/{resource}/?page_size=1000").json()
        assert body["count"] == len(body["results"])


def test_the_review_actions_per_role(scene, world):
    """Approve and return need the review action over the report; reviewers never their own."""
    report = scene.xining.reports.get()
    report = services.report_correct(user=world.users["xining_officer"], report=report)
    report = services.report_save(
        user=world.users["xining_officer"], report=report, version=report.version, data={}
    )
    report = services.report_submit(
        user=world.users["xining_officer"], report=report, version=report.version
    )
    url = f"/api/v1/progress-reports/{report.pk}/approve/"
    for role in ("leader", "xining_officer", "datong_officer", "gansu_officer", "no_role"):
        status = (
            _client(world.users[role])
            .post(url, {"version": report.version}, format="json")
            .status_code
        )
        assert status in (403, 404), (role, status)
        if "xining" in EXPECTED_VISIBLE[role]:
            assert status == 403
    answer = _client(world.users["reviewer"]).post(url, {"version": report.version}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "approved"


# ---- every resource of the API's routers -----------------------------------------------------

# The demo's roles: the organisations whose subtrees each may read, written out by hand.
DEMO_ROOTS = {
    "dept_officer": {"qhsta-societies-dept"},
    "reviewer": {"qhsta"},
    "leader": {"qhsta"},
    "xining_officer": {"xining"},
    "haixi_officer": {"haixi"},
    "datong_officer": {"xining-datong"},
    "society_officer": {"soc-agri"},
}
# Resources not read with the view action over organisations, each tested on its own.
SPECIAL = {
    "auth/tokens": "a user's own tokens and, for administrators, their accounts' (test_tokens.py)",
}


def router_resources() -> dict:
    """{prefix: viewset} for every router registered under /api/v1/ (read from the URLconf)."""
    from django.urls import URLResolver, get_resolver

    api = next(
        e
        for e in get_resolver().url_patterns
        if isinstance(e, URLResolver) and str(e.pattern) == "api/v1/"
    )
    resources = {}
    for entry in api.url_patterns:
        router = getattr(getattr(entry, "urlconf_module", None), "router", None)
        for prefix, viewset, _basename in getattr(router, "registry", []):
            resources[prefix] = viewset
    return resources


def expected_ids(model, roots: set[str]) -> set:
    """The rows a reader of the subtrees `roots` may see, from the model's declared Scope alone."""
    from orgs.models import Organization

    rule = model.scope
    paths = list(Organization.objects.filter(code__in=roots).values_list("path", flat=True))

    def under(path):
        return path is not None and any(path.startswith(p) for p in paths)

    def above(path):
        return path is not None and any(p.startswith(path) for p in paths)

    seen = set()
    values = [rule.org_path] + ([rule.whole_path] if rule.whole_path else [])
    values += [rule.public] if rule.public else []

    def readable(row) -> bool:
        path = row[rule.org_path]
        own = under(path) or (rule.shared_down and above(path))
        whole = bool(rule.whole_path) and path is None and under(row[rule.whole_path])
        return own or whole or bool(rule.public and row[rule.public])

    for row in model._base_manager.values("pk", *values):
        if readable(row):
            seen.add(row["pk"])
    return seen


def listed_ids(client, prefix) -> set:
    ids, url = set(), f"/api/v1/{prefix}/?page_size=1000"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (prefix, response.status_code)
        body = response.json()
        ids |= {row["id"] for row in body["results"]}
        url = body.get("next")
    return ids


@pytest.fixture
def full_demo(demo, settings):
    """The demo with every register's data (reports, societies, science popularisation, think
    tank) and its rollups: rows of every resource inside and outside each prefecture."""
    from django.core.management import call_command

    call_command("load_demo", reports=True, verbosity=0)
    rollup_all()


def test_the_matrix_covers_every_router_resource():
    resources = router_resources()
    assert len(resources) >= 30 and "experts" in resources and "suggestions" in resources
    for prefix, viewset in resources.items():
        if prefix in SPECIAL:
            continue
        model = viewset.queryset.model
        assert hasattr(model, "scope"), prefix
        assert getattr(viewset, "read_action", "view") == Action.VIEW, (
            f"{prefix} is read with another action: add it to SPECIAL with where it is tested"
        )


@pytest.mark.parametrize("role", DEMO_ROOTS)
def test_every_router_resource_lists_and_shows_only_the_roles_rows(full_demo, role):
    """Each role × each resource of the routers: the list holds nothing outside what the model's
    Scope and the role table allow; a row outside answers 404 by id, one inside 200."""
    user = get_user_model().objects.get(username=role)
    client = _client(user)
    for prefix, viewset in router_resources().items():
        if prefix in SPECIAL:
            continue
        model = viewset.queryset.model
        everything = set(model._base_manager.values_list("pk", flat=True))
        assert everything, f"the scene has no {prefix}: add some to the demo"
        allowed = expected_ids(model, DEMO_ROOTS[role])
        listed = listed_ids(client, prefix)
        assert listed <= allowed, (prefix, role, sorted(listed - allowed)[:5])
        hidden = sorted(everything - allowed)
        if hidden:
            assert client.get(f"/api/v1/{prefix}/{hidden[0]}/").status_code == 404, (prefix, role)
        if listed:
            assert client.get(f"/api/v1/{prefix}/{min(listed)}/").status_code == 200, (prefix, role)


def test_the_scene_can_catch_a_leak_in_every_resource(full_demo):
    """For every resource whose rows are not shared down the tree, some prefecture's officer
    must miss some rows, or the matrix above could not see a leak there."""
    for prefix, viewset in router_resources().items():
        if prefix in SPECIAL:
            continue
        model = viewset.queryset.model
        if model.scope.shared_down:
            continue
        everything = set(model._base_manager.values_list("pk", flat=True))
        missed = [
            role
            for role in ("xining_officer", "haixi_officer", "datong_officer", "society_officer")
            if everything - expected_ids(model, DEMO_ROOTS[role])
        ]
        assert missed, prefix
