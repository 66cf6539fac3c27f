"""Every route goes through the scoping API; a permission matrix over every route and role."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import DetailView

from orgs.models import AccessEvent, Account, Membership
from qhsta.scoping.api import ScopedViewSetMixin
from qhsta.scoping.views import ScopedViewMixin
from tests.world import EXPECTED_VISIBLE, PROBES


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry.callback


def how_scoped(callback, namespace) -> str | None:
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class and issubclass(view_class, (ScopedViewMixin, ScopedViewSetMixin)):
        return "scoped"
    if getattr(callback, "scope_exempt", None) or getattr(view_class, "scope_exempt", None):
        return "exempt"
    if namespace == "admin":
        return "admin (superusers only)"
    return None


def test_every_route_goes_through_the_scoping_api():
    routes = list(walk(get_resolver().url_patterns))
    assert len(routes) > 20
    unscoped = [route for route, ns, cb in routes if how_scoped(cb, ns) is None]
    assert unscoped == []
    exempt = sorted(route for route, ns, cb in routes if how_scoped(cb, ns) == "exempt")
    assert exempt == [
        "",
        "accounts/login/",
        "accounts/logout/",
        "accounts/password/change/",  # the user's own password
        "accounts/password/reset/",  # a reset link by e-mail, like the login page
        "accounts/password/reset/<uidb64>/<token>/",
        "accounts/password/reset/complete/",
        "accounts/password/reset/sent/",
        "api/docs/",  # documentation only
        "api/schema/",  # documentation only
        "api/v1/auth/token/",  # username and password for a token, like the login page
        "audit/",  # the audit log: the audit administrator's alone (can_read_audit)
        "audit/export.<str:fmt>",
        "healthz",
        "i18n/setlang/",
    ]


def test_a_view_cannot_replace_the_scoped_queryset():
    with pytest.raises(TypeError, match="overrides get_queryset"):

        class Leaky(ScopedViewMixin, DetailView):
            def get_queryset(self):
                return Account.objects.all()

    with pytest.raises(TypeError, match="overrides get_queryset"):

        class LeakyApi(ScopedViewSetMixin):
            def get_queryset(self):
                return Account.objects.all()


def test_the_admin_is_for_superusers_only(world, client):
    for role in ("prov_admin", "leader", "xining_admin"):
        user = world.users[role]
        user.is_staff = True
        user.save()
        client.force_login(user)
        assert client.get("/admin/").status_code == 302  # sent to the admin login
        assert client.get("/admin/orgs/organization/").status_code == 302


WRITE_METHODS = ("post", "put", "patch", "delete")


def org_routes(world):
    """(route, object code) for pages and API endpoints of one organisation."""
    for code in PROBES:
        org = world.orgs[code]
        yield f"/orgs/{code}/", code
        yield f"/api/v1/organizations/{org.pk}/", code


def plan_routes(world):
    for key, code in (("qh", "qhsta"), ("gansu", "gansu")):
        plan = world.plans[key]
        yield f"/plan/{plan.code}/", code
    yield "/plan/qhsta-14th/tasks/7/", "qhsta"


def plan_visible(role: str, owner_code: str) -> bool:
    """A plan is read by everyone in its province."""
    visible = EXPECTED_VISIBLE[role]
    province = {"qhsta": "qh", "gansu": "gansu"}[owner_code]
    return any(
        (code.startswith("gansu") if province == "gansu" else not code.startswith("gansu"))
        for code in visible
    )


@pytest.mark.parametrize("role", [*EXPECTED_VISIBLE, "anonymous"])
def test_permission_matrix(world, client, role):
    if role != "anonymous":
        client.force_login(world.users[role])  # an inactive user's session is dropped at once
    visible = EXPECTED_VISIBLE.get(role, set())
    cases = [(route, code, code in visible) for route, code in org_routes(world)]
    cases += [
        (route, code, role in EXPECTED_VISIBLE and plan_visible(role, code))
        for route, code in plan_routes(world)
    ]
    for route, _code, expected in cases:
        response = client.get(route)
        api = route.startswith("/api/")
        if role == "anonymous" or role == "inactive_officer":
            assert response.status_code == (403 if api else 302), route
            continue
        assert response.status_code == (200 if expected else 404), (route, role)
        for method in WRITE_METHODS:
            # none of these routes takes a change: refused whether or not the object is visible
            status = getattr(client, method)(route, data={}).status_code
            assert status in (403, 404, 405), (route, role, method, status)


@pytest.mark.parametrize("role", [r for r in EXPECTED_VISIBLE if r not in ("inactive_officer",)])
def test_lists_and_counts_hold_nothing_out_of_scope(world, client, role):
    client.force_login(world.users[role])
    visible = EXPECTED_VISIBLE[role]
    hidden = set(PROBES) - visible

    body = client.get("/api/v1/organizations/?page_size=1000").json()
    codes = {row["code"] for row in body["results"]}
    assert visible <= codes and not hidden & codes
    assert body["count"] == len(codes)
    for row in body["results"]:
        assert row["parent"] is None or row["parent"] in codes  # a parent is named only if visible

    html = client.get("/orgs/").content.decode()
    for code in visible:
        assert f'data-code="{code}"' in html
    for code in hidden:
        assert f'data-code="{code}"' not in html


def test_refused_reads_are_logged(world, client):
    client.force_login(world.users["xining_officer"])
    haixi = world.orgs["haixi"]
    assert client.get("/orgs/haixi/").status_code == 404
    assert client.get(f"/api/v1/organizations/{haixi.pk}/").status_code == 404
    assert client.get("/orgs/no-such-org/").status_code == 404
    events = AccessEvent.objects.filter(kind="denied_read", actor=world.users["xining_officer"])
    assert [e.request_path for e in events.order_by("at")] == [
        "/orgs/haixi/",
        f"/api/v1/organizations/{haixi.pk}/",
    ]
    assert all(e.organization == haixi and e.object_repr for e in events)


def test_leadership_writes_nothing(world, client):
    client.force_login(world.users["leader"])
    target = Account.objects.get(username="t_datong_officer")
    membership = Membership.objects.filter(user=target).first()
    attempts = [
        (
            "/users/new/",
            {
                "username": "x1",
                "full_name": "x",
                "password": "a-Long-passw0rd!",
                "organization": world.orgs["xining"].pk,
                "role": "officer",
            },
        ),
        (f"/users/{target.pk}/roles/", {"organization": world.orgs["xining"].pk, "role": "leader"}),
        (f"/users/{target.pk}/roles/{membership.pk}/withdraw/", {}),
        (f"/users/{target.pk}/active/", {"active": "0"}),
        (f"/users/{target.pk}/edit/", {"full_name": "x", "email": ""}),
        (f"/users/{target.pk}/password/", {"password": "a-Long-passw0rd!"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code in (403, 404), url
    assert Membership.objects.filter(pk=membership.pk).exists()
    target = Account.objects.get(pk=target.pk)
    assert target.is_active and target.first_name != "x"
    assert not target.check_password("a-Long-passw0rd!")
    assert not Account.objects.filter(username="x1").exists()


def test_every_refusal_is_logged_once(world, client):
    client.force_login(world.users["leader"])
    assert client.get("/users/").status_code == 403
    assert (
        client.post(
            "/periods/qhsta-14th/generate/", {"kind": "year", "deadline_days": "1"}
        ).status_code
        == 403
    )
    # (logins are in the audit log too; this is about the refusals)
    events = AccessEvent.objects.filter(
        actor=world.users["leader"], kind__startswith="denied"
    ).order_by("id")
    assert [(e.kind, e.request_path) for e in events] == [
        ("denied_read", "/users/"),
        ("denied_write", "/periods/qhsta-14th/generate/"),
    ]
    client.force_login(world.users["xining_secadmin"])
    target = world.users["society_officer"]
    from orgs.models import Membership

    membership = Membership.objects.get(user=target)
    assert client.post(f"/users/{target.pk}/roles/{membership.pk}/withdraw/").status_code == 404
    assert (
        AccessEvent.objects.filter(actor=world.users["xining_secadmin"], kind="denied_read").count()
        == 1
    )
