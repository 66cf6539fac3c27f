"""Each list and detail route's query count, pinned: a page of 1 row and a page of 60 take the
same queries, so an N+1 cannot come back unnoticed."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# queries per request, with a token: the token, the user's scopes, the page's keys (read
# first, qhsta.scoping.pagination), then the route's own
LISTS = {
    "organizations": 5,
    "plans": 5,
    "task-groups": 5,
    "tasks": 5,
    "indicators": 5,  # the ETag's aggregate also counts the rows for the pages
    "periods": 5,
    "work-items": 5,
    "assignments": 6,  # + the indicators of the page's assignments
    "progress-reports": 6,  # + the values of the page's reports
    "indicator-values": 5,  # likewise
    "rollups": 7,  # + the subjects' names (one query per level on the page), + period labels
    "indicator-rollups": 6,  # + the labels of the periods figures are carried from
    "auth/tokens": 5,
}


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("resource", LISTS)
def test_list_queries_do_not_grow_with_the_page(demo_reports, token_client, resource):
    client = token_client(get_user_model().objects.get(username="leader"))
    client.get("/api/v1/plans/")  # the token's first use is recorded once
    extra = {"rollups": "&level=key_task"}.get(resource, "")
    small = _count(client, f"/api/v1/{resource}/?page_size=1{extra}")
    large_url = f"/api/v1/{resource}/?page_size=60{extra}"
    large = _count(client, large_url)
    assert small == large == LISTS[resource], (resource, small, large)
    rows = client.get(large_url).json()["results"]
    if resource not in ("plans", "auth/tokens"):
        assert len(rows) > 1, resource  # the pin means something: several rows on the page
    if rows:
        assert _count(client, f"/api/v1/{resource}/{rows[-1]['id']}/") <= LISTS[resource]


AUDIT_QUERY = ("orgs_accessevent", "SAVEPOINT", "pg_advisory_xact_lock")


def test_csv_takes_the_same_queries(demo_reports, token_client):
    """The same queries as the JSON page, besides the export's fixed-cost audit entry."""
    client = token_client(get_user_model().objects.get(username="xining_officer"))
    client.get("/api/v1/plans/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/indicator-values/?format=csv&page_size=50")
    assert response.status_code == 200
    data_queries = [q for q in queries if not any(part in q["sql"] for part in AUDIT_QUERY)]
    assert len(data_queries) == LISTS["indicator-values"]
    assert len(queries) - len(data_queries) <= 5  # the audit entry: lock, last hash, insert
