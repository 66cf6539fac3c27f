"""Sessions end after 30 idle minutes and with the browser; the last login is shown after
login; API tokens live 90 days and a deactivation ends tokens and sessions for good."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from qhsta.api.models import ApiToken
from tests.conftest import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def log_in(client, username, address="127.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": DEMO_PASSWORD},
        REMOTE_ADDR=address,
    )


def obtain_token(username):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": DEMO_PASSWORD, "name": "script"},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def token_api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_session_ends_after_thirty_idle_minutes(demo, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert log_in(client, "xining_officer").status_code == 302
    # each request restarts the idle clock
    with time_machine.travel(start + dt.timedelta(minutes=25), tick=False):
        assert client.get("/plan/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        assert client.get("/plan/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=81), tick=False):
        response = client.get("/plan/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_session_cookie_ends_with_the_browser(demo, client):
    response = log_in(client, "xining_officer")
    cookie = response.cookies["sessionid"]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]
    assert cookie["httponly"]


def last_login_message(html: str) -> str:
    found = re.search(r'<div class="alert alert-info">([^<]*登录[^<]*)</div>', html)
    return found.group(1) if found else ""


def test_the_last_login_time_and_address_are_shown_after_login(demo, client):
    first = log_in(client, "haixi_officer", address="10.20.30.40")
    page = client.get(first["Location"], follow=True).content.decode()
    assert last_login_message(page) == "欢迎：这是该账号的首次登录。"
    security = get_user_model().objects.get(username="haixi_officer").security
    first_at = timezone.localtime(security.last_login_at).strftime("%Y-%m-%d %H:%M")

    browser = Client()
    second = log_in(browser, "haixi_officer", address="10.99.0.7")
    page = browser.get(second["Location"], follow=True).content.decode()
    assert last_login_message(page) == f"上次登录时间：{first_at}，地址：10.20.30.40。"
    assert last_login_message(browser.get("/plan/", follow=True).content.decode()) == ""  # once

    third = Client()
    response = log_in(third, "haixi_officer", address="10.0.0.1")
    assert "地址：10.99.0.7" in last_login_message(
        third.get(response["Location"], follow=True).content.decode()
    )


def test_tokens_live_ninety_days_by_default(demo, settings):
    issued = obtain_token("xining_officer")
    token = ApiToken.objects.get(pk=issued["id"])
    assert dt.timedelta(days=89, hours=23) < token.expiry - token.created <= dt.timedelta(days=90)
    api = token_api(issued["token"])
    with time_machine.travel(timezone.now() + dt.timedelta(days=89), tick=False):
        assert api.get("/api/v1/organizations/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        assert api.get("/api/v1/organizations/").status_code == 403

    settings.API_TOKEN_TTL_DAYS = 7  # the lifetime is a setting (API_TOKEN_TTL_DAYS)
    token = ApiToken.objects.get(pk=obtain_token("haixi_officer")["id"])
    assert token.expiry - token.created <= dt.timedelta(days=7)


def test_deactivation_ends_tokens_and_sessions_for_good(world, client):
    officer = get_user_model().objects.get(username="datong_officer")
    browser = Client()
    log_in(browser, "datong_officer")
    issued = obtain_token("datong_officer")
    api = token_api(issued["token"])
    assert api.get("/api/v1/organizations/").status_code == 200

    client.force_login(world.users["xining_secadmin"])
    assert client.post(f"/users/{officer.pk}/active/", {"active": "0"}).status_code == 302
    assert not ApiToken.objects.filter(user=officer).exists()
    assert client.post(f"/users/{officer.pk}/active/", {"active": "1"}).status_code == 302
    officer.refresh_from_db()
    assert officer.is_active

    # reactivated: the account logs in again, but the old token and session stay dead
    assert api.get("/api/v1/organizations/").status_code == 403
    assert browser.get("/plan/").status_code == 302
    assert log_in(Client(), "datong_officer").status_code == 302


def test_deactivation_in_the_admin_ends_tokens_too(demo, client):
    officer = get_user_model().objects.get(username="society_officer")
    issued = obtain_token("society_officer")
    client.force_login(get_user_model().objects.get(username="province_admin"))
    page = client.get(f"/admin/orgs/account/{officer.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("password", "groups", "user_permissions", "is_active") and value is not None
    }
    data.update(
        {
            "date_joined_0": timezone.localtime(officer.date_joined).strftime("%Y-%m-%d"),
            "date_joined_1": timezone.localtime(officer.date_joined).strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": officer.memberships.get().pk,
            "memberships-0-user": officer.pk,
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/orgs/account/{officer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert not officer.is_active
    assert token_api(issued["token"]).get("/api/v1/organizations/").status_code == 403
    assert not ApiToken.objects.filter(user=officer).exists()
