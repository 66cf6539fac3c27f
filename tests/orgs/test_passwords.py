"""Passwords (等保 2.0 level 3): the policy, self-service change and reset, initial and expired
passwords changed before anything else, and what a change ends (tokens, other sessions)."""

import datetime as dt
import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from orgs.models import AccountSecurity
from qhsta.api.models import ApiToken
from tests.conftest import DEMO_PASSWORD

NEW_PASSWORD = "Kunlun-Mountains-2027"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # token requests and login locks counted by other tests do not leak in


def log_in(client, username, password=DEMO_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def obtain_token(username, password):
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password, "name": "script"},
        format="json",
    )


def field_error(html: str, name: str) -> str:
    """The message shown next to a field of the password forms ("" when there is none)."""
    found = re.search(rf'id="id_{name}-error">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


def change_password(client, old, new, new2=None):
    return client.post(
        "/accounts/password/change/",
        {"old_password": old, "new_password1": new, "new_password2": new2 or new},
    )


def test_the_change_page_is_chinese_and_states_the_policy(demo, client):
    log_in(client, "xining_officer")
    html = client.get("/accounts/password/change/").content.decode()
    assert "修改密码" in html and "旧密码" in html
    assert "至少 12 个字符" in html  # Django's own Chinese for the length rule
    assert "小写字母、大写字母、数字、符号中的 3 类字符" in html
    assert "最近 5 次使用过的密码" in html


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Short-1a", "至少 12 个字符"),
        ("onlylowercaseletters", "中的 3 类字符"),  # one kind of character
        ("lowercase-and-symbols", "中的 3 类字符"),  # two kinds
        (DEMO_PASSWORD, "最近 5 次使用过的密码"),  # the current one
    ],
)
def test_a_password_outside_the_policy_is_refused_next_to_the_field(demo, client, new, message):
    log_in(client, "xining_officer")
    response = change_password(client, DEMO_PASSWORD, new)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in field_error(html, "new_password2")
    assert get_user_model().objects.get(username="xining_officer").check_password(DEMO_PASSWORD)


def test_none_of_the_last_five_passwords_comes_back(demo, client):
    user = get_user_model().objects.get(username="haixi_officer")
    passwords = [DEMO_PASSWORD] + [f"Qaidam-Basin-{n}-2027" for n in range(1, 6)]
    for old, new in itertools.pairwise(passwords):
        client.force_login(user)
        assert change_password(client, old, new).status_code == 302, new
        user.refresh_from_db()
    # the last five (the current one and the four before) are refused, the sixth is free again
    for old in passwords[-5:]:
        response = change_password(client, passwords[-1], old)
        assert "最近 5 次" in field_error(response.content.decode(), "new_password2"), old
    assert change_password(client, passwords[-1], passwords[0]).status_code == 302
    assert user.password_history.count() == 5  # only as many hashes as the rule needs


def test_a_change_keeps_this_session_and_ends_the_others_and_the_tokens(demo, client):
    other_browser = Client()
    assert log_in(other_browser, "xining_officer").status_code == 302
    token = obtain_token("xining_officer", DEMO_PASSWORD).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/organizations/").status_code == 200

    log_in(client, "xining_officer")
    response = change_password(client, DEMO_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True).content.decode()
    assert "密码已修改。您的 API 令牌已吊销，其他会话已结束。" in page
    assert client.get("/plan/").status_code == 200  # this browser stays logged in

    assert other_browser.get("/plan/").status_code == 302  # the other one is back at the login
    assert api.get("/api/v1/organizations/").status_code == 403
    assert not ApiToken.objects.filter(user__username="xining_officer").exists()
    assert log_in(Client(), "xining_officer", NEW_PASSWORD).status_code == 302


def test_reset_by_e_mail_sets_a_new_password_and_ends_everything(demo, client):
    logged_in = Client()
    log_in(logged_in, "datong_officer")
    token = obtain_token("datong_officer", DEMO_PASSWORD).json()["token"]

    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in login_page and "忘记密码？" in login_page
    form = client.get("/accounts/password/reset/").content.decode()
    assert "重置密码" in form
    response = client.post(
        "/accounts/password/reset/", {"email": "datong_officer@demo.qhsta.invalid"}
    )
    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    assert "链接在 1 小时内有效" in sent

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["datong_officer@demo.qhsta.invalid"]
    assert message.subject == "青海省科协规划管理平台：重置密码"
    assert "您的用户名：datong_officer" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)  # Django moves the token out of the URL
    assert "设置新密码" in form.content.decode()
    confirm_url = form.redirect_chain[-1][0]
    refused = client.post(confirm_url, {"new_password1": "tooshort", "new_password2": "tooshort"})
    assert "至少 12 个字符" in field_error(refused.content.decode(), "new_password2")
    done = client.post(confirm_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert "新密码已设置" in client.get(done["Location"]).content.decode()

    assert logged_in.get("/plan/").status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/organizations/").status_code == 403
    assert log_in(Client(), "datong_officer", NEW_PASSWORD).status_code == 302
    # the link worked once
    assert "该链接已失效" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(demo, client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.invalid"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def create_account_as_security_admin(client, world, password="Initial-Pass-2026"):
    client.force_login(world.users["xining_secadmin"])
    response = client.post(
        "/users/new/",
        {
            "username": "chengxi_officer",
            "full_name": "城西区科协干部",
            "email": "cx@example.org",
            "password": password,
            "organization": world.orgs["xining"].pk,
            "role": "officer",
        },
    )
    client.logout()
    return response


def test_an_initial_password_is_changed_at_the_first_login(world, client):
    assert create_account_as_security_admin(client, world).status_code == 302
    # a token is not issued for an administrator's password either
    refused = obtain_token("chengxi_officer", "Initial-Pass-2026")
    assert refused.status_code == 403 and "请先在平台中修改密码" in refused.json()["message"]

    response = log_in(client, "chengxi_officer", "Initial-Pass-2026")
    assert response.status_code == 302
    page = client.get("/plan/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/password/change/"
    assert "您的密码由管理员设置" in page.content.decode()
    assert client.get("/dashboard/").status_code == 302
    api = client.get("/api/v1/organizations/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"

    assert change_password(client, "Initial-Pass-2026", NEW_PASSWORD).status_code == 302
    assert client.get("/plan/").status_code == 200
    assert obtain_token("chengxi_officer", NEW_PASSWORD).status_code == 201


def test_an_initial_password_follows_the_policy(world, client):
    response = create_account_as_security_admin(client, world, password="chengxi-officer")
    assert response.status_code == 400  # refused input
    assert "中的 3 类字符" in field_error(response.content.decode(), "password")
    assert not get_user_model().objects.filter(username="chengxi_officer").exists()


def test_a_password_older_than_the_maximum_age_must_be_changed(demo, client, settings):
    user = get_user_model().objects.get(username="society_officer")
    AccountSecurity.objects.filter(user=user).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    log_in(client, "society_officer")
    page = client.get("/plan/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/password/change/"
    assert "您的密码已使用超过 90 天" in page.content.decode()
    assert change_password(client, DEMO_PASSWORD, NEW_PASSWORD).status_code == 302
    assert client.get("/plan/").status_code == 200

    # the age is a setting: 0 turns the rule off
    settings.PASSWORD_MAX_AGE_DAYS = 0
    AccountSecurity.objects.filter(user=user).update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    other = Client()
    log_in(other, "society_officer", NEW_PASSWORD)
    assert other.get("/plan/").status_code == 200


def test_demo_accounts_log_straight_in_even_when_the_demo_is_old(demo, client):
    from django.core.management import call_command

    AccountSecurity.objects.update(password_changed_at=timezone.now() - dt.timedelta(days=400))
    call_command("load_demo", verbosity=0, reports=False)  # `make run` loads the demo again
    for username in ("province_admin", "xining_officer", "leader"):
        fresh = Client()
        assert log_in(fresh, username).status_code == 302
        assert fresh.get("/plan/").status_code == 200, username


def test_a_password_set_in_the_admin_is_an_initial_one(demo, client):
    client.force_login(get_user_model().objects.get(username="province_admin"))
    target = get_user_model().objects.get(username="haixi_officer")
    response = client.post(
        f"/admin/orgs/account/{target.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AccountSecurity.objects.get(user=target).password_must_change
    officer = Client()
    log_in(officer, "haixi_officer", NEW_PASSWORD)
    assert officer.get("/plan/", follow=True).redirect_chain[-1][0] == "/accounts/password/change/"


def test_the_security_administrator_sets_an_initial_password_on_the_users_page(world, client):
    officer = get_user_model().objects.get(username="datong_officer")
    browser = Client()
    log_in(browser, "datong_officer")
    client.force_login(world.users["xining_secadmin"])
    assert (
        f'href="/users/{officer.pk}/password/"'
        in client.get(f"/users/{officer.pk}/").content.decode()
    )
    refused = client.post(f"/users/{officer.pk}/password/", {"password": "datong"})
    assert "至少 12 个字符" in field_error(refused.content.decode(), "password")

    response = client.post(f"/users/{officer.pk}/password/", {"password": "Datong-County-2027"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "data-must-change" in detail and "下次登录时须修改" in detail
    assert "127.0.0.1" in detail  # the owner's last login address
    assert browser.get("/plan/").status_code == 302  # the owner's session ended
    log_in(browser, "datong_officer", "Datong-County-2027")
    page = browser.get("/plan/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/password/change/"

    # not for an account holding roles outside the administrator's organisations
    society = world.users["society_officer"]
    from orgs.services import membership_grant

    membership_grant(user=society, organization=world.orgs["xining"], role="leader")
    assert (
        client.post(
            f"/users/{society.pk}/password/", {"password": "Datong-County-2027"}
        ).status_code
        == 403
    )


def test_the_demo_password_meets_the_policy():
    from pathlib import Path

    import yaml
    from django.contrib.auth import password_validation

    demo = yaml.safe_load((Path(__file__).parents[2] / "ops" / "demo.yaml").read_text("utf-8"))
    for item in demo["users"]:
        user = get_user_model()(username=item["username"], first_name=item["name"])
        password_validation.validate_password(DEMO_PASSWORD, user)  # raises if it did not
