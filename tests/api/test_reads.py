"""Reading through the API: every resource, filters, ordering, pages with a cap, CSV, and
ETag / Last-Modified for polling clients; the schema and the documentation page."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from plan.models import Indicator
from tasks.models import IndicatorValue, ProgressReport

pytestmark = pytest.mark.django_db
LITERACY = "science-literacy-rate"
PREFECTURES = {"xining", "haidong", "haibei", "huangnan", "hainan", "golog", "yushu", "haixi"}


@pytest.fixture
def leader(demo_reports, token_client):
    return token_client(get_user_model().objects.get(username="leader"))


def test_the_contract_fields_of_each_resource(leader):
    task = leader.get("/api/v1/tasks/?plan=qhsta-14th&number=19").json()["results"][0]
    assert {"number", "title", "group", "plan"} <= set(task) and task["plan"] == "qhsta-14th"
    indicator = leader.get(f"/api/v1/indicators/?code={LITERACY}").json()["results"][0]
    expected = {"code", "name", "unit", "baseline", "baseline_year", "target", "target_year"}
    assert expected | {"aggregation"} <= set(indicator)
    value = leader.get(f"/api/v1/indicator-values/?indicator={LITERACY}").json()["results"][0]
    assert {"indicator", "organization", "period", "value", "status"} <= set(value)
    rollup = leader.get("/api/v1/rollups/?level=key_task&task=" + str(task["id"])).json()[
        "results"
    ][0]
    assert {"subject", "period", "progress", "status", "computed_at", "stale"} <= set(rollup)
    assert rollup["subject"] == {
        "level": "key_task",
        "id": task["id"],
        "label": f"19.{task['title']}",
    }
    for resource in (
        "organizations",
        "plans",
        "task-groups",
        "periods",
        "work-items",
        "assignments",
        "progress-reports",
        "indicator-rollups",
    ):
        body = leader.get(f"/api/v1/{resource}/").json()
        assert body["count"] > 0 and body["results"], resource


def test_filters_by_plan_group_task_organisation_period_indicator(leader):
    rows = leader.get(
        f"/api/v1/indicator-values/?indicator={LITERACY}&organization_kind=prefecture_sta&page_size=1000"
    ).json()["results"]
    assert rows and {r["organization"] for r in rows} <= PREFECTURES
    assert {r["indicator_code"] for r in rows} == {LITERACY}
    year = leader.get(f"/api/v1/indicator-values/?indicator={LITERACY}&year=2025").json()["results"]
    assert year and all(r["period_label"].startswith("2025") for r in year)

    only = leader.get("/api/v1/assignments/?organization=xining&page_size=1000").json()["results"]
    subtree = leader.get(
        "/api/v1/assignments/?organization=xining&descendants=true&page_size=1000"
    ).json()["results"]
    assert {r["organization"] for r in only} == {"xining"}
    assert {r["organization"] for r in subtree} > {"xining"}  # Datong and the other counties
    assert all(r["organization"].startswith("xining") for r in subtree)

    task = leader.get("/api/v1/tasks/?number=19").json()["results"][0]
    items = leader.get(f"/api/v1/work-items/?task={task['id']}").json()["results"]
    assert items and {i["task_number"] for i in items} == {19}
    group = leader.get(f"/api/v1/work-items/?group={task['group']}").json()["results"]
    assert {i["id"] for i in items} <= {i["id"] for i in group}
    reports = leader.get(
        "/api/v1/progress-reports/?task_number=19&state=approved&page_size=1000"
    ).json()
    assert reports["count"] and all(
        r["task_number"] == 19 and r["state"] == "approved" for r in reports["results"]
    )
    assert leader.get("/api/v1/plans/?code=no-such-plan").json()["count"] == 0
    bad = leader.get("/api/v1/indicator-values/?status=nonsense")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


def test_ordering_and_pages_with_a_cap(leader):
    ids = [
        r["id"]
        for r in leader.get("/api/v1/progress-reports/?ordering=id&page_size=5").json()["results"]
    ]
    assert ids == sorted(ids)
    desc = [
        r["id"]
        for r in leader.get("/api/v1/progress-reports/?ordering=-id&page_size=5").json()["results"]
    ]
    assert desc == sorted(desc, reverse=True)
    with override_settings(API_MAX_PAGE_SIZE=10):
        response = leader.get("/api/v1/progress-reports/?page_size=1000")
    body = response.json()
    assert len(body["results"]) == 10 and body["next"] and 'rel="next"' in response["Link"]
    assert int(response["X-Total-Count"]) == body["count"]


def test_list_rows_are_written_like_single_values(leader):
    rows = leader.get("/api/v1/indicator-values/?page_size=1000").json()["results"]
    assert len(rows) == IndicatorValue.objects.count()
    for row in rows:
        assert leader.get(f"/api/v1/indicator-values/{row['id']}/").json() == row


def test_csv_for_spreadsheets(leader):
    response = leader.get(f"/api/v1/indicator-values/?indicator={LITERACY}&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows and rows[0]["indicator_code"] == LITERACY and rows[0]["organization_name"]
    assert "." not in rows[0]["value"] or not rows[0]["value"].endswith("0")  # 9.8, not 9.800000
    rollups = leader.get(f"/api/v1/indicator-rollups/?indicator={LITERACY}&format=csv")
    header = rollups.content.decode().lstrip("\ufeff").splitlines()[0].split(",")
    assert {"value", "reported", "expected", "stale", "computed_at"} <= set(header)
    progress = leader.get("/api/v1/rollups/?level=key_task&format=csv").content.decode()
    assert "subject.level" in progress.splitlines()[0]


def test_rollups_explain_themselves(leader):
    """Each figure comes with its explanation and the organisations missing from it, as stored."""
    from tasks.models import IndicatorRollup, ProgressRollup

    body = leader.get("/api/v1/rollups/?level=key_task&all_organizations=true").json()
    row = body["results"][0]
    stored = ProgressRollup.objects.get(pk=row["id"])
    assert row["explanation"]["method"] == "weighted_mean"
    assert [c["id"] for c in row["explanation"]["children"]] == [
        c["id"] for c in stored.explanation["children"]
    ]
    assert row["missing"] == stored.missing and isinstance(row["missing"], list)
    literacy = leader.get(
        f"/api/v1/indicator-rollups/?indicator={LITERACY}&all_organizations=true"
    ).json()["results"]
    figure = next(r for r in literacy if r["value"] is not None)
    stored = IndicatorRollup.objects.get(pk=figure["id"])
    assert figure["explanation"]["method"] == "ratio" == figure["method"]
    assert {c["organization"] for c in figure["explanation"]["children"]} == {
        c["organization"] for c in stored.explanation["children"]
    }
    assert figure["missing"] == stored.missing
    progress = leader.get("/api/v1/rollups/?level=key_task&format=csv").content.decode()
    header = progress.lstrip("\ufeff").splitlines()[0].split(",")
    assert "missing" in header and not any(h.startswith("explanation") for h in header)


def test_polling_clients_get_304(leader, demo_reports):
    for url in (
        f"/api/v1/indicators/?code={LITERACY}",
        f"/api/v1/indicator-values/?indicator={LITERACY}",
        "/api/v1/rollups/?level=plan",
        f"/api/v1/indicator-rollups/?indicator={LITERACY}",
    ):
        first = leader.get(url)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"], url
        again = leader.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and not again.content, url
        since = leader.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304, url
        assert leader.get(url + "&page_size=3", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    # a change makes the tag stale, even one that leaves the value's own row as it was: its
    # review state follows the report's
    report = ProgressReport.objects.get(
        organization__code="xining",
        period__year=2025,
        period__number=4,
        assignment__indicators__code=LITERACY,
        is_latest=True,
    )
    # the survey register feeds literacy (read-only); the officer types a figure of their own
    typed = Indicator.objects.create(
        plan=report.period.plan,
        code="survey-sample-completion",
        name="抽样调查样本完成率",
        unit="%",
        target=95,
        target_year=2025,
        aggregation="ratio",
    )
    report.assignment.indicators.add(typed)
    officer = APIClient()
    officer.force_authenticate(get_user_model().objects.get(username="xining_officer"))
    saved = officer.patch(
        f"/api/v1/progress-reports/{report.pk}/",
        {
            "version": report.version,
            "values": [
                {
                    "indicator": typed.pk,
                    "numerator": 44,
                    "denominator": 400,
                }
            ],
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    value = IndicatorValue.objects.get(report=report)
    url = f"/api/v1/indicator-values/{value.pk}/"
    tag = leader.get(url)["ETag"]
    submitted = officer.post(
        f"/api/v1/progress-reports/{report.pk}/submit/",
        {"version": saved.json()["version"]},
        format="json",
    )
    assert submitted.status_code == 200, submitted.content
    fresh = leader.get(url, HTTP_IF_NONE_MATCH=tag)
    assert fresh.status_code == 200 and fresh.json()["status"] == "submitted"
    # another user's tag is not this user's
    xining = APIClient()
    xining.force_authenticate(get_user_model().objects.get(username="xining_officer"))
    assert (
        xining.get(
            "/api/v1/rollups/?level=plan",
            HTTP_IF_NONE_MATCH=leader.get("/api/v1/rollups/?level=plan")["ETag"],
        ).status_code
        == 200
    )


@pytest.mark.django_db
def test_schema_and_documentation_from_our_own_static_files(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for resource in (
        "organizations",
        "plans",
        "task-groups",
        "tasks",
        "work-items",
        "assignments",
        "periods",
        "progress-reports",
        "indicators",
        "indicator-values",
        "rollups",
    ):
        assert f"/api/v1/{resource}/" in paths, resource
    assert "/api/v1/progress-reports/{id}/approve/" in paths
    assert "tokenAuth" in schema.json()["components"]["securitySchemes"]
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "//cdn" not in html and "unpkg" not in html and "jsdelivr" not in html
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
