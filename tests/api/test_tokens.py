"""Tokens: obtained with a username and password, sent as `Authorization: Token <key>`, several
per user, stored hashed, listed and revoked by their owner and by administrators."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from qhsta.api.models import ApiToken
from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _obtain(username, password=DEMO_PASSWORD, name="sync"):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password, "name": name},
        format="json",
    )


def test_a_token_sees_what_its_user_sees(demo):
    response = _obtain("xining_officer")
    assert response.status_code == 201, response.content
    body = response.json()
    key = body["token"]
    assert (
        body["name"] == "sync"
        and body["user"] == "xining_officer"
        and key.startswith(body["prefix"])
    )
    stored = ApiToken.objects.get(pk=body["id"])
    assert key not in (stored.digest, stored.token_key) and len(stored.digest) == 128  # hashed

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    codes = {
        row["code"] for row in client.get("/api/v1/organizations/?page_size=1000").json()["results"]
    }
    assert "xining" in codes and "haixi" not in codes
    assert ApiToken.objects.get(pk=body["id"]).last_used_at is not None

    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    refused = client.get("/api/v1/organizations/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "authentication_failed" and refused.json()["message"]
    assert APIClient().get("/api/v1/organizations/").status_code == 403


def test_wrong_passwords_are_refused_and_lock_the_account(demo):
    cache.clear()
    response = _obtain("xining_officer", "wrong")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    for _ in range(5):
        _obtain("xining_officer", "wrong")
    locked = _obtain("xining_officer")
    assert locked.status_code == 429  # axes: the same lock as the login page
    assert locked.json()["code"] == "locked" and locked.json()["message"]
    assert not ApiToken.objects.filter(user__username="xining_officer").exists()


def test_owners_and_administrators_list_and_revoke(demo, token_client):
    User = get_user_model()
    officer = User.objects.get(username="xining_officer")
    keys = [_obtain("xining_officer", name=f"t{i}").json() for i in range(2)]
    other = _obtain("haixi_officer").json()

    mine = token_client(officer)
    listed = mine.get("/api/v1/auth/tokens/").json()
    ids = {row["id"] for row in listed["results"]}
    assert {k["id"] for k in keys} <= ids and other["id"] not in ids
    assert all("token" not in row and "digest" not in row for row in listed["results"])
    assert mine.get(f"/api/v1/auth/tokens/{other['id']}/").status_code == 404
    assert mine.delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 404

    assert mine.delete(f"/api/v1/auth/tokens/{keys[0]['id']}/").status_code == 204
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]['token']}")
    assert revoked.get("/api/v1/plans/").status_code == 403

    admin = token_client(User.objects.get(username="province_admin"))
    seen = {row["id"] for row in admin.get("/api/v1/auth/tokens/?page_size=100").json()["results"]}
    assert {keys[1]["id"], other["id"]} <= seen
    assert admin.delete(f"/api/v1/auth/tokens/{other['id']}/").status_code == 204
    # the leader manages nothing: sees only their own tokens
    leader = token_client(User.objects.get(username="leader"))
    assert {r["user"] for r in leader.get("/api/v1/auth/tokens/").json()["results"]} == {"leader"}
    assert leader.delete(f"/api/v1/auth/tokens/{keys[1]['id']}/").status_code == 404


def test_throttled_per_token_with_the_limit_from_settings(demo, token_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "token": "3/minute",
            "anon": "2/minute",
            "token_obtain": "9/minute",
        },
    }
    cache.clear()
    User = get_user_model()
    client = token_client(User.objects.get(username="leader"))
    statuses = [client.get("/api/v1/plans/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get("/api/v1/plans/").json()
    assert body["status"] == 429 and body["code"] == "throttled" and body["message"]
    # another token of the same user has its own budget
    assert (
        token_client(User.objects.get(username="leader")).get("/api/v1/plans/").status_code == 200
    )
    # without credentials: per address, on what needs none (the schema, the token endpoint)
    anonymous = [APIClient().get("/api/schema/").status_code for _ in range(3)]
    assert anonymous == [200, 200, 429]


def test_superusers_see_and_revoke_tokens_in_the_admin(demo, client):
    token = _obtain("leader").json()
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", "x-Passw0rd!")
    client.force_login(admin)
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200 and token["prefix"] in page.content.decode()
    assert token["token"] not in page.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    deleted = client.post(f"/admin/api/apitoken/{token['id']}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not ApiToken.objects.filter(pk=token["id"]).exists()
