"""三员分立 at a unit: the unit administrator (admin) runs its unit's business and manages no
account; the unit's own security administrator manages the accounts of its subtree and sees no
business data; no account is both."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from orgs.models import AccessEvent, Membership
from orgs.services import membership_grant
from tasks import services as task_services
from tasks.models import ProgressReport
from tests.reporting import build_reporting

User = get_user_model()
SEPARATION = "担任系统管理员、安全管理员或安全审计员的账号不能再拥有其他角色"
EVERYDAY = ("admin", "officer", "reviewer", "leader")


def new_account(client, org, role="officer", username="chengbei_officer"):
    return client.post(
        "/users/new/",
        {
            "username": username,
            "full_name": "城北区科协干部",
            "email": "",
            "password": "Qinghai-Plateau-2026",
            "organization": org.pk,
            "role": role,
        },
    )


@pytest.fixture
def submitted(world, plan14):
    """A report of Xining's, submitted by its officer and waiting for review."""
    r = build_reporting(plan14)
    officer = r.users["xining_officer"]
    report = task_services.report_open(user=officer, assignment=r.xining, period=r.period)
    report = task_services.report_save(
        user=officer, report=report, version=report.version, data={"nothing_to_report": True}
    )
    return task_services.report_submit(user=officer, report=report, version=report.version)


def test_a_unit_administrator_manages_no_account(world, client):
    admin = world.users["xining_admin"]
    officer = world.users["datong_officer"]
    client.force_login(admin)
    # no 账户 menu, no account pages
    assert 'href="/users/"' not in client.get("/plan/").content.decode()
    assert client.get("/users/").status_code == 403
    assert client.get("/users/new/").status_code == 403
    assert new_account(client, world.orgs["xining-datong"]).status_code == 403
    assert not User.objects.filter(username="chengbei_officer").exists()
    # the accounts of its own subtree do not exist for it
    assert client.get(f"/users/{officer.pk}/").status_code == 404
    response = client.post(
        f"/users/{officer.pk}/roles/", {"organization": world.orgs["xining"].pk, "role": "leader"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=officer, role="leader").exists()
    assert client.post(f"/users/{officer.pk}/active/", {"active": "0"}).status_code == 404
    assert User.objects.get(pk=officer.pk).is_active
    before = User.objects.get(pk=officer.pk).password
    password = {"password": "Qinghai-Plateau-2026-x"}
    assert client.post(f"/users/{officer.pk}/password/", password).status_code == 404
    assert User.objects.get(pk=officer.pk).password == before
    membership = Membership.objects.get(user=officer)
    assert client.post(f"/users/{officer.pk}/roles/{membership.pk}/withdraw/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    # and the services refuse it the same way
    with pytest.raises(PermissionDenied):
        membership_grant(
            user=officer, organization=world.orgs["xining"], role="leader", granter=admin
        )
    # its business is still its own: the unit's pages
    assert client.get("/orgs/xining/").status_code == 200


def test_a_prefecture_security_administrator_manages_its_subtree_accounts(world, client):
    secadmin = world.users["xining_secadmin"]
    client.force_login(secadmin)
    html = client.get("/users/").content.decode()
    assert 'href="/users/"' in html
    assert 'data-username="datong_officer"' in html and 'data-username="t_xining_admin"' in html
    for outside in ("haixi_officer", "t_gansu_officer", "t_prov_admin", "sec_admin"):
        assert f'data-username="{outside}"' not in html, outside

    # the roles offered: the everyday ones and its own, never the system or audit administrator
    form = client.get("/users/new/").content.decode()
    for role in (*EVERYDAY, "secadmin"):
        assert f'value="{role}"' in form, role
    assert 'value="sysadmin"' not in form and 'value="auditadmin"' not in form
    assert "海东市科学技术协会" not in form and "大通回族土族自治县科学技术协会" in form

    response = new_account(client, world.orgs["xining-datong"])
    assert response.status_code == 302
    created = User.objects.get(username="chengbei_officer")
    assert AccessEvent.objects.filter(kind="user_created", actor=secadmin, target_user=created)
    # a county's own security administrator, for the county
    response = new_account(
        client, world.orgs["xining-datong"], role="secadmin", username="datong_secadmin"
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user__username="datong_secadmin", role="secadmin", organization__code="xining-datong"
    ).exists()
    # nor the system or audit administrator, even posted by hand
    for role in ("sysadmin", "auditadmin"):
        assert (
            new_account(client, world.orgs["xining"], role=role, username="x_admin").status_code
            == 400
        )
    assert not User.objects.filter(username="x_admin").exists()

    # outside its subtree: nothing
    haixi_officer = User.objects.get(username="haixi_officer")
    assert client.get(f"/users/{haixi_officer.pk}/").status_code == 404
    assert new_account(client, world.orgs["haixi"], username="haixi_new").status_code == 400
    assert not User.objects.filter(username="haixi_new").exists()
    response = client.post(
        f"/users/{created.pk}/roles/", {"organization": world.orgs["haixi"].pk, "role": "leader"}
    )
    assert response.status_code == 400
    assert not Membership.objects.filter(user=created, organization__code="haixi").exists()


def test_a_security_administrator_sees_no_report_and_approves_none(world, submitted, client):
    secadmin = world.users["xining_secadmin"]
    client.force_login(secadmin)
    # the review queue holds nothing for it (a reviewer's holds the report)
    reviewer = Client()
    reviewer.force_login(world.users["reviewer"])
    assert f'data-report="{submitted.pk}"' in reviewer.get("/review/").content.decode()
    assert f'data-report="{submitted.pk}"' not in client.get("/review/").content.decode()
    assert client.get(f"/reports/{submitted.pk}/").status_code == 404
    assert client.get(f"/assignments/{submitted.assignment_id}/").status_code == 404
    response = client.post(
        f"/reports/{submitted.pk}/review/", {"decision": "approve", "version": submitted.version}
    )
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        task_services.report_approve(user=secadmin, report=submitted, version=submitted.version)
    assert ProgressReport.objects.get(pk=submitted.pk).state == "submitted"
    api = Client()
    api.force_login(secadmin)
    assert api.get("/api/v1/progress-reports/").json()["results"] == []


def test_no_account_holds_a_business_role_and_the_security_administrator_role(world, client):
    sec_admin = User.objects.get(username="sec_admin")  # the province's
    xining = world.orgs["xining"]
    unit_admin, unit_secadmin = world.users["xining_admin"], world.users["xining_secadmin"]
    # a unit administrator does not become its unit's security administrator …
    with pytest.raises(ValidationError) as refused:
        membership_grant(user=unit_admin, organization=xining, role="secadmin", granter=sec_admin)
    assert SEPARATION in " ".join(refused.value.messages)
    # … nor the security administrator take any business role, there or anywhere
    for role in EVERYDAY:
        for org in (xining, world.orgs["haixi"]):
            with pytest.raises(ValidationError):
                membership_grant(user=unit_secadmin, organization=org, role=role, granter=sec_admin)
    assert set(Membership.objects.filter(user=unit_admin).values_list("role", flat=True)) == {
        "admin"
    }
    assert set(Membership.objects.filter(user=unit_secadmin).values_list("role", flat=True)) == {
        "secadmin"
    }
    # the page says why
    client.force_login(sec_admin)
    response = client.post(
        f"/users/{unit_admin.pk}/roles/", {"organization": xining.pk, "role": "secadmin"}
    )
    assert response.status_code == 400 and SEPARATION in response.content.decode()
    # and a new account opened as a security administrator holds only that role
    assert (
        new_account(client, xining, role="secadmin", username="xining_secadmin2").status_code == 302
    )
    second = User.objects.get(username="xining_secadmin2")
    with pytest.raises(ValidationError):
        membership_grant(user=second, organization=xining, role="admin", granter=sec_admin)
    assert list(Membership.objects.filter(user=second).values_list("role", flat=True)) == [
        "secadmin"
    ]
