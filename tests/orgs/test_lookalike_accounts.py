"""Look-alike accounts: usernames that pass for another account's, and display names copying a
provincial account's, are refused on the users pages, in the Django admin and in the service."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from orgs.models import AccessEvent
from orgs.services import user_create, user_update


def field_error(html: str, name: str) -> str:
    import re

    found = re.search(rf'id="id_{name}-error">(.*?)</div>', html, re.S)
    return found.group(1) if found else ""


EMPTY_INLINE = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


def new_account(client, world, **extra):
    data = {
        "username": "chengxi_officer",
        "full_name": "城西区科协干部",
        "email": "cx@example.org",
        "password": "Qinghai-Plateau-2026",
        "organization": world.orgs["xining"].pk,
        "role": "officer",
        **extra,
    }
    return client.post("/users/new/", data)


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("province_\u0430dmin", "用户名只能使用英文字母"),  # Cyrillic а
        ("bad user", "用户名只能使用英文字母"),
        ("xining@officer", "用户名只能使用英文字母"),
        ("Province_Admin", "与现有用户名过于相似"),
        ("province-adm1n", "与现有用户名过于相似"),
        ("pr0vince.admin", "与现有用户名过于相似"),
        ("leader", "与现有用户名过于相似"),
    ],
)
def test_a_look_alike_username_is_refused(world, client, username, message):
    client.force_login(world.users["xining_secadmin"])
    response = new_account(client, world, username=username)
    assert response.status_code == 400  # refused input (orgs.views.AccountCreateView)
    assert message in field_error(response.content.decode(), "username")
    assert not get_user_model().objects.filter(first_name="城西区科协干部").exists()


def test_a_distinct_ascii_username_is_accepted(world, client):
    client.force_login(world.users["xining_secadmin"])
    response = new_account(client, world, username="Cheng.Xi-officer_2")
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="Cheng.Xi-officer_2").exists()


@pytest.mark.parametrize(
    "full_name",
    [
        "省科协管理员",
        " 省科协 管理员 ",
        "省科协\u200b管理员",  # a zero-width space
        "省科协管理员\u3000",  # an ideographic space
        "省科协审核员",  # another provincial account
        "学会学术部干部",  # an account of a provincial department
    ],
)
def test_a_name_copying_a_provincial_account_is_refused(world, client, full_name):
    client.force_login(world.users["xining_secadmin"])
    response = new_account(client, world, full_name=full_name)
    assert response.status_code == 400
    assert "该姓名与省级账号的姓名相同" in field_error(response.content.decode(), "full_name")


def test_a_prefecture_account_name_may_be_shared(world, client):
    # only provincial accounts' names are protected: two officers may share an ordinary name
    client.force_login(world.users["xining_secadmin"])
    assert new_account(client, world, full_name="西宁市科协干部").status_code == 302


def test_an_account_cannot_be_renamed_to_a_provincial_name(world, client):
    officer = get_user_model().objects.get(username="datong_officer")
    client.force_login(world.users["xining_secadmin"])
    page = client.get(f"/users/{officer.pk}/")
    assert f'href="/users/{officer.pk}/edit/"' in page.content.decode()
    form = client.get(f"/users/{officer.pk}/edit/").content.decode()
    assert 'value="大通县科协干部"' in form

    refused = client.post(f"/users/{officer.pk}/edit/", {"full_name": "省科协领导", "email": ""})
    assert refused.status_code == 200
    assert "该姓名与省级账号的姓名相同" in field_error(refused.content.decode(), "full_name")
    officer.refresh_from_db()
    assert officer.first_name == "大通县科协干部"

    done = client.post(
        f"/users/{officer.pk}/edit/", {"full_name": "大通县科协王干部", "email": "w@example.org"}
    )
    assert done.status_code == 302
    officer.refresh_from_db()
    assert (officer.first_name, officer.email) == ("大通县科协王干部", "w@example.org")
    assert AccessEvent.objects.filter(kind="user_changed", target_user=officer).exists()


def test_a_provincial_account_keeps_its_own_name(demo, client):
    admin = get_user_model().objects.get(username="province_admin")
    leader = get_user_model().objects.get(username="leader")
    client.force_login(admin)
    response = client.post(
        f"/users/{leader.pk}/edit/", {"full_name": "省科协领导", "email": "leader@example.org"}
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.email == "leader@example.org"


def test_a_prefecture_security_administrator_cannot_rename_an_account_holding_other_roles(
    world, client
):
    from orgs.services import membership_grant

    society = world.users["society_officer"]
    membership_grant(user=society, organization=world.orgs["xining"], role="leader")
    client.force_login(world.users["xining_secadmin"])
    response = client.post(f"/users/{society.pk}/edit/", {"full_name": "某人", "email": ""})
    assert response.status_code == 403
    society.refresh_from_db()
    assert society.first_name != "某人"


def test_the_service_refuses_what_the_forms_refuse(world):
    creator = world.users["xining_secadmin"]
    with pytest.raises(ValidationError) as refused:
        user_create(
            creator=creator,
            username="province_\u0430dmin",
            full_name="省科协管理员",
            email="",
            password="Qinghai-Plateau-2026",
            organization=world.orgs["xining"],
            role="officer",
        )
    assert set(refused.value.message_dict) == {"username", "full_name"}
    officer = get_user_model().objects.get(username="xining_officer")
    with pytest.raises(ValidationError):
        user_update(actor=creator, user=officer, full_name="省科协管理员", email="")


def test_the_admin_applies_the_same_rules(demo, client):
    client.force_login(get_user_model().objects.get(username="province_admin"))
    response = client.post(
        "/admin/orgs/account/add/",
        {
            "username": "province_\u0430dmin",
            "password1": "Qinghai-Plateau-2026",
            "password2": "Qinghai-Plateau-2026",
            "usable_password": "true",
            **EMPTY_INLINE,
        },
    )
    assert response.status_code == 200
    assert "用户名只能使用英文字母" in str(response.context["adminform"].form.errors)

    response = client.post(
        "/admin/orgs/account/add/",
        {
            "username": "chengxi_officer",
            "password1": "Qinghai-Plateau-2026",
            "password2": "Qinghai-Plateau-2026",
            "usable_password": "true",
            **EMPTY_INLINE,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = get_user_model().objects.get(username="chengxi_officer")
    assert created.security.password_must_change  # an administrator's password is an initial one

    officer = get_user_model().objects.get(username="xining_officer")
    page = client.get(f"/admin/orgs/account/{officer.pk}/change/")
    form = page.context["adminform"].form
    data = {
        "username": officer.username,
        "first_name": "省科协管理员",
        "last_name": "",
        "email": officer.email,
        "is_active": "on",
        "date_joined_0": form["date_joined"].value().strftime("%Y-%m-%d"),
        "date_joined_1": form["date_joined"].value().strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": officer.memberships.get().pk,
        "memberships-0-user": officer.pk,
    }
    for first, last in (("省科协管理员", ""), ("省科协", "管理员")):  # the name shown is both
        data.update({"first_name": first, "last_name": last})
        response = client.post(f"/admin/orgs/account/{officer.pk}/change/", data)
        assert response.status_code == 200
        assert "该姓名与省级账号的姓名相同" in str(response.context["adminform"].form.errors)
        officer.refresh_from_db()
        assert officer.first_name == "西宁市科协干部"
