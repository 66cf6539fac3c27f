"""The permission matrix of the role-scoping issue over every API route: each role × objects
inside and outside its scope × read and write methods; lists hold nothing outside the scope."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from qhsta.api.services import token_issue
from qhsta.scoping import Action, user_can
from tasks import services
from tasks.models import IndicatorRollup, IndicatorValue, ProgressRollup
from tasks.rollups import rollup_all
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
            values = [services.ValueInput(reporting.literacy, numerator=436, denominator=4000)]
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
    for resource in ORG_BOUND:
        rows = client.get(f"/api/v1/{resource}/?page_size=1000").json()["results"]
        for row in rows:
            org = row["organization"]
            if org is not None:
                assert (
                    any(org == v or org.startswith(f"{v}-") for v in visible) or org in visible
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
