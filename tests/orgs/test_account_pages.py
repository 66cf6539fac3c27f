"""Security administrators manage accounts and roles inside their own subtree, and only there;
a unit administrator manages none (三员分立)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import Client

from orgs.models import AccessEvent, Membership, Organization, OrganizationUserObjectPermission
from orgs.services import membership_grant


def new_account(client, org, role="officer", **extra):
    data = {
        "username": "huangzhong_officer",
        "full_name": "湟中区科协干部",
        "email": "hz@example.org",
        "password": "Qinghai-Plateau-2026",
        "organization": org.pk,
        "role": role,
        **extra,
    }
    return client.post("/users/new/", data)


def test_prefecture_security_admin_creates_an_account_in_its_subtree(world, client):
    client.force_login(world.users["xining_secadmin"])
    assert client.get("/users/").status_code == 200
    form = client.get("/users/new/").content.decode()
    assert "大通回族土族自治县科学技术协会" in form
    assert "海西蒙古族藏族自治州科学技术协会" not in form  # other prefectures are not offered

    county = world.orgs["xining-datong"]
    response = new_account(client, county)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="huangzhong_officer")
    assert list(Membership.objects.filter(user=user).values_list("role", "organization__code")) == [
        ("officer", "xining-datong")
    ]
    page = client.get(response["Location"]).content.decode()
    assert 'data-role="officer" data-org="xining-datong"' in page
    assert AccessEvent.objects.filter(
        kind="grant", target_user=user, actor=world.users["xining_secadmin"]
    ).exists()
    assert AccessEvent.objects.filter(kind="user_created", target_user=user).exists()


def test_bad_input_is_answered_next_to_the_field_and_kept(world, client):
    client.force_login(world.users["xining_secadmin"])
    response = new_account(client, world.orgs["xining"], password="123", username="xining_officer")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_username-error"' in html and 'id="id_password-error"' in html
    assert 'value="湟中区科协干部"' in html and 'value="hz@example.org"' in html
    assert not get_user_model().objects.filter(first_name="湟中区科协干部").exists()


def test_prefecture_security_admin_cannot_reach_outside_its_subtree(world, client):
    client.force_login(world.users["xining_secadmin"])
    # an organisation outside the subtree is refused by the form, not silently used
    response = new_account(client, world.orgs["haixi"])
    assert response.status_code == 400 and 'id="id_organization-error"' in response.content.decode()
    haixi_user = world.users["gansu_officer"]
    assert client.get(f"/users/{haixi_user.pk}/").status_code == 404
    assert client.post(f"/users/{haixi_user.pk}/active/", {"active": "0"}).status_code == 404
    target = get_user_model().objects.get(username="haixi_officer")
    m = Membership.objects.get(user=target)
    assert client.post(f"/users/{target.pk}/roles/{m.pk}/withdraw/").status_code == 404
    assert Membership.objects.filter(pk=m.pk).exists()


def test_grant_and_withdraw_take_effect_on_the_next_request(world, client):
    admin_client = client
    admin_client.force_login(world.users["xining_secadmin"])
    officer = world.users["datong_officer"]
    response = admin_client.post(
        f"/users/{officer.pk}/roles/", {"organization": world.orgs["xining"].pk, "role": "reviewer"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=officer, role="reviewer")

    officer_client = Client()
    officer_client.force_login(officer)
    assert (
        officer_client.get("/orgs/xining/").status_code == 200
    )  # the new role reaches the prefecture

    assert (
        admin_client.post(f"/users/{officer.pk}/roles/{membership.pk}/withdraw/").status_code == 302
    )
    assert officer_client.get("/orgs/xining/").status_code == 404
    kinds = list(AccessEvent.objects.filter(target_user=officer).values_list("kind", flat=True))
    assert "grant" in kinds and "withdraw" in kinds


def test_account_rights_without_the_security_administrator_role_grant_nothing(world, client):
    # a manager with the account permission at Haixi but not the role (possible only by hand)
    manager = world.users["no_role"]
    for codename in ("view_scope", "accounts_scope"):
        OrganizationUserObjectPermission.objects.create(
            user=manager,
            content_object=Organization.objects.get(code="haixi"),
            permission=Permission.objects.get(codename=codename),
        )
    client.force_login(manager)
    target = get_user_model().objects.get(username="haixi_officer")
    form = client.get(f"/users/{target.pk}/").content.decode()
    assert 'value="leader"' not in form  # no role is offered
    response = client.post(
        f"/users/{target.pk}/roles/", {"organization": world.orgs["haixi"].pk, "role": "leader"}
    )
    assert response.status_code == 400
    with pytest.raises(PermissionDenied, match="只有安全管理员才能在其管理范围内授予或撤销角色"):
        membership_grant(
            user=target, organization=world.orgs["haixi"], role="leader", granter=manager
        )
    assert not Membership.objects.filter(user=target, role="leader").exists()
    assert AccessEvent.objects.filter(kind="denied_write", actor=manager).exists()


def test_deactivated_users_lose_their_session_and_see_nothing(world, client):
    officer = world.users["datong_officer"]
    officer_client = Client()
    officer_client.force_login(officer)
    assert officer_client.get("/orgs/xining-datong/").status_code == 200

    client.force_login(world.users["xining_secadmin"])
    assert client.post(f"/users/{officer.pk}/active/", {"active": "0"}).status_code == 302
    assert officer_client.get("/orgs/xining-datong/").status_code == 302  # back to the login page
    assert officer_client.get("/api/v1/organizations/").status_code == 403

    # an account with roles outside the administrator's subtree cannot be switched off from here
    society = world.users["society_officer"]
    membership_grant(user=society, organization=world.orgs["xining"], role="leader")
    client.post(f"/users/{society.pk}/active/", {"active": "0"})
    society.refresh_from_db()
    assert society.is_active


def test_only_security_administrators_see_the_accounts_page(world, client):
    for role in ("leader", "reviewer", "xining_officer", "society_officer", "prov_admin"):
        client.force_login(world.users[role])
        assert client.get("/users/").status_code == 403, role
        assert 'href="/users/"' not in client.get("/plan/").content.decode(), role
    client.force_login(get_user_model().objects.get(username="sec_admin"))
    html = client.get("/users/").content.decode()
    assert 'href="/users/"' in html  # the menu entry
    assert 'data-username="t_gansu_officer"' not in html
    assert 'data-username="haixi_officer"' in html
