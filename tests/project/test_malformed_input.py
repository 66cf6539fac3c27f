"""Malformed input never answers 5xx: every route (from the URL resolver, the API's routers
among them) is walked with bad values in its path ids and in the query parameters it reads, as
two roles. Bad input answers 400 or 404; the API answers in its JSON error shape."""

import contextlib
import inspect
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

BAD = ["abc", "²", "0", "-1", "9" * 30, "x" * 10_000]
# Each parameter on its own: the values a number parser trips over (the others are covered by the
# requests carrying every parameter at once).
ONE_BY_ONE = ["²", "9" * 30]
ROLES = ("xining_officer", "province_admin")  # a prefecture's officer; the installer (superuser)
PROJECT = ("qhsta", "orgs", "plan", "tasks", "dashboard", "societies", "sciencepop", "thinktank")
PARAM = re.compile(r"""(?:GET|query_params|params)\.get(?:list)?\(\s*["'](\w+)["']""")
PATH_PARAM = re.compile(r"\(\?P<\w+>[^)]*\)|<[^>]+>")
# Read by every list (pagination, ordering, search) or by DRF itself.
COMMON = {"page", "page_size", "ordering", "q", "search", "format"}


@pytest.fixture
def demo_reports(demo, settings):
    """The demo's reports in every state and their rollups; no throttle in the way."""
    from django.core.cache import cache

    from tasks.demo import demo_reports_load
    from tasks.rollups.outbox import rollup_all

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(("token", "anon", "token_obtain"), "1000000/hour"),
    }
    cache.clear()
    demo_reports_load()
    rollup_all()


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def params_read(callback) -> set[str]:
    """The query parameters a route's view reads: its filterset's fields and every name its own
    code (and its project base classes) reads from the query string."""
    names = set(COMMON)
    cls = view_class(callback)
    sources = [callback] if cls is None else [c for c in cls.__mro__]
    for item in sources:
        if getattr(item, "__module__", "").split(".")[0] not in PROJECT:
            continue
        with contextlib.suppress(OSError, TypeError):  # no source: nothing read
            names |= set(PARAM.findall(inspect.getsource(item)))
    filterset = getattr(cls, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    return names


def url_for(route: str, value: str) -> str:
    return "/" + PATH_PARAM.sub(value, route).replace("^", "").replace("$", "")


def routes():
    for route, callback in walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route.startswith("api/docs") or "logout" in route:
            continue
        yield route, callback


def check(client, method, url, failures, **extra):
    response = getattr(client, method)(url, **extra)
    if response.status_code >= 500:
        failures.append((method, url[:120], response.status_code))
    elif url.startswith("/api/v1/") and response.status_code in (400, 404):
        if not response.get("Content-Type", "").startswith("application/json"):
            failures.append((method, url[:120], "not JSON"))
        elif not {"status", "code", "message"} <= set(response.json()):
            failures.append((method, url[:120], "not the error shape"))
    return response


def test_no_route_answers_5xx_to_malformed_input(demo_reports):
    """One walk per role over one scene (its setup is most of the time)."""
    failures: list = []
    walked = 0
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username=role))
        for route, callback in routes():
            if PATH_PARAM.search(route):
                for value in BAD:
                    url = url_for(route, value)
                    check(client, "get", url, failures)
                    check(client, "post", url, failures)
                    walked += 2
                continue
            url = url_for(route, "")
            names = sorted(params_read(callback))
            for value in BAD:  # all of them at once, then each on its own
                check(client, "get", url, failures, data=dict.fromkeys(names, value))
                walked += 1
            for name in names:
                for value in ONE_BY_ONE:
                    check(client, "get", url, failures, data={name: value})
                    walked += 1
    assert walked > 2000
    assert failures == [], "\n".join(map(str, failures))


def test_the_api_answers_a_route_it_does_not_have_in_its_json_shape(client):
    for url in ("/api/v1/progress-reports/abc/", "/api/v1/no-such-thing/", "/api/v1/plans/²/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["status"] == 404 and body["code"] == "not_found" and body["message"]


def test_the_requests_of_the_report_answer_400_or_their_rows(demo, client):
    """The requests the attacker's review found answering 500, one by one."""
    from tasks.models import Assignment

    client.force_login(get_user_model().objects.get(username="province_admin"))
    assert client.get("/review/?period=abc").status_code == 400
    assert client.get("/review/?period=²").status_code == 400
    assert client.get("/work-items/?year=²").status_code == 400
    assert client.get("/dashboard/lagging/?page=²").status_code in (200, 404)
    body = client.get("/api/v1/science-events/?year=0").json()
    assert body["results"] == []
    response = client.get(f"/api/v1/plans/?page_size={'9' * 30}")
    assert response.status_code == 200
    response = client.get("/api/v1/progress-reports/?period=²")
    assert response.status_code == 400 and response.json()["errors"]["period"]
    assert client.get(f"/api/v1/work-items/?task={'9' * 30}").status_code == 400
    assignment = Assignment.objects.filter(indicators__isnull=False).first()
    if assignment is not None:
        indicator = assignment.indicators.first()
        rows = client.get(f"/api/v1/assignments/?indicator={indicator.pk}").json()["results"]
        assert assignment.pk in {r["id"] for r in rows}
    response = client.post(
        "/users/new/",
        {
            "username": "bad user",
            "full_name": "某人",
            "password": "Xq7!long-enough-pass",
            "organization": "xining",
            "role": "officer",
        },
    )
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="bad user").exists()
