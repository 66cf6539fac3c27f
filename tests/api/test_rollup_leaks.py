"""Rollup rows over the API: a prefecture reads its own subtree's figures, never the rows for
all organisations (their explanations and missing lists carry the other prefectures' figures),
in JSON and in CSV alike; the dashboard withholds the same rows."""

import pytest
from django.contrib.auth import get_user_model

from orgs.models import Organization
from tasks.models import Assignment, IndicatorRollup, ProgressRollup

LITERACY = "science-literacy-rate"


def _codes_outside(user_code: str) -> set[str]:
    own = Organization.objects.get(code=user_code).path
    return set(
        Organization.objects.exclude(path__startswith=own)
        .exclude(depth=1)
        .values_list("code", flat=True)
    )


def _names(text: str, codes: set[str]) -> set[str]:
    return {c for c in codes if f'"{c}"' in text or f",{c}" in text or f"{c}," in text}


@pytest.mark.parametrize("username,org", [("haixi_officer", "haixi"), ("xining_officer", "xining")])
def test_a_prefecture_reads_no_row_naming_another_prefecture(
    username, org, demo_reports, token_client
):
    user = get_user_model().objects.get(username=username)
    client = token_client(user)
    outside = _codes_outside(org)
    # the stored rows for all organisations do name other prefectures: what the client must miss
    whole = ProgressRollup.objects.filter(org_key=0, level="work_item").exclude(missing=[])
    assert _names(str(list(whole.values_list("missing", flat=True))).replace("'", '"'), outside)
    for url in (
        "/api/v1/rollups/?level=work_item&all_organizations=true",
        "/api/v1/rollups/?all_organizations=true&page_size=500",
        f"/api/v1/indicator-rollups/?indicator={LITERACY}&all_organizations=true",
        f"/api/v1/indicator-rollups/?indicator={LITERACY}",
        "/api/v1/rollups/?level=work_item",
    ):
        for fmt in ("json", "csv"):
            response = client.get(f"{url}&format={fmt}")
            assert response.status_code == 200, url
            text = response.content.decode()
            assert not _names(text, outside), (url, fmt, _names(text, outside))
    rows = client.get("/api/v1/rollups/?level=work_item&all_organizations=true").json()
    assert rows["results"] == []
    # the subtree's own rows are there, with their explanation
    own = client.get(f"/api/v1/indicator-rollups/?indicator={LITERACY}").json()["results"]
    assert own and {r["organization"] for r in own} <= {
        o.code
        for o in Organization.objects.filter(
            path__startswith=Organization.objects.get(code=org).path
        )
    }
    # a row for all organisations is not found by id either
    row = ProgressRollup.objects.filter(org_key=0, level="work_item").first()
    assert client.get(f"/api/v1/rollups/{row.pk}/").status_code == 404
    # an assignment of another prefecture: its figure is as hidden as the assignment itself
    other = Assignment.objects.exclude(
        organization__path__startswith=Organization.objects.get(code=org).path
    ).first()
    assert client.get(f"/api/v1/assignments/{other.pk}/").status_code == 404
    assert (
        client.get(f"/api/v1/rollups/?level=assignment&subject={other.pk}").json()["results"] == []
    )


def test_the_province_reads_the_rows_for_all_organisations(demo_reports, token_client):
    leader = token_client(get_user_model().objects.get(username="leader"))
    rows = leader.get("/api/v1/rollups/?level=work_item&all_organizations=true").json()
    assert rows["count"] == ProgressRollup.objects.filter(org_key=0, level="work_item").count() > 0
    ind = leader.get(f"/api/v1/indicator-rollups/?indicator={LITERACY}&all_organizations=true")
    assert (
        ind.json()["count"]
        == IndicatorRollup.objects.filter(org_key=0, indicator__code=LITERACY).count()
        > 0
    )
