"""The separation of the three administrators (三员分立): system, security and audit
administrators, each with exactly their powers, no account holding two of them."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from orgs.models import AccessEvent, Membership, Organization
from orgs.services import membership_grant, roles_grantable, user_ensure
from tasks import services as task_services
from tasks.models import ProgressReport, ReportingPeriod

User = get_user_model()
SEPARATION = "担任系统管理员、安全管理员或安全审计员的账号不能再拥有其他角色"


@pytest.fixture
def admins(demo):
    return {u.username: u for u in User.objects.filter(username__endswith="_admin")}


def test_the_demo_has_one_account_per_administrator_role(admins):
    roles = {
        name: list(
            Membership.objects.filter(user=admins[name]).values_list("role", "organization__code")
        )
        for name in ("sys_admin", "sec_admin", "audit_admin")
    }
    assert roles == {
        "sys_admin": [("sysadmin", "qhsta")],
        "sec_admin": [("secadmin", "qhsta")],
        "audit_admin": [("auditadmin", "qhsta")],
    }
    assert not any(admins[name].is_superuser for name in roles)


def test_no_account_holds_two_of_the_roles_or_one_and_an_everyday_role(admins, demo):
    root = Organization.objects.get(code="qhsta")
    officer = User.objects.get(username="xining_officer")
    cases = [
        (admins["sys_admin"], "secadmin"),
        (admins["audit_admin"], "sysadmin"),
        (admins["sec_admin"], "reviewer"),
        (officer, "auditadmin"),
    ]
    for user, role in cases:
        with pytest.raises(ValidationError) as refused:
            membership_grant(
                user=user,
                organization=root,
                role=role,
                granter=admins["sec_admin"] if user != admins["sec_admin"] else None,
            )
        assert "系统管理员" in " ".join(refused.value.messages)
        assert not Membership.objects.filter(user=user, role=role).exists()
    # the refusals are in the audit log, as failures
    assert AccessEvent.objects.filter(
        kind="denied_write", outcome="failure", detail__contains="separation"
    ).count() == len(cases)
    # the Django superuser is for installation only
    superuser = User.objects.get(username="province_admin")
    assert superuser.is_superuser
    with pytest.raises(ValidationError, match="超级用户仅用于系统安装"):
        membership_grant(user=superuser, organization=root, role="auditadmin")


def test_the_roles_of_the_three_are_granted_at_the_top_by_the_security_administrator(admins, demo):
    root, xining = Organization.objects.get(code="qhsta"), Organization.objects.get(code="xining")
    datong = Organization.objects.get(code="xining-datong")
    xining_admin = user_ensure(username="xining_admin", full_name="西宁市科协管理员", password="x")
    membership_grant(user=xining_admin, organization=xining, role="admin")
    # a unit administrator grants nothing: accounts and roles are the security administrator's
    assert roles_grantable(granter=xining_admin, organization=xining) == []
    # the security administrator grants every role; the system and audit administrators only at
    # the top of the tree, a (prefecture's) security administrator anywhere
    assert set(roles_grantable(granter=admins["sec_admin"], organization=root)) == {
        "admin",
        "officer",
        "reviewer",
        "leader",
        "sysadmin",
        "secadmin",
        "auditadmin",
    }
    everyday_and_security = {"admin", "officer", "reviewer", "leader", "secadmin"}
    assert set(roles_grantable(granter=admins["sec_admin"], organization=xining)) == (
        everyday_and_security
    )
    # a prefecture's security administrator: the same inside its subtree, nothing above it
    xining_secadmin = User.objects.get(username="xining_secadmin")
    assert set(roles_grantable(granter=xining_secadmin, organization=datong)) == (
        everyday_and_security
    )
    assert roles_grantable(granter=xining_secadmin, organization=root) == []
    assert (
        roles_grantable(
            granter=xining_secadmin, organization=Organization.objects.get(code="haixi")
        )
        == []
    )
    # the system and audit administrators grant nothing
    assert roles_grantable(granter=admins["sys_admin"], organization=xining) == []
    assert roles_grantable(granter=admins["audit_admin"], organization=root) == []
    # and nobody changes the roles of their own account
    with pytest.raises(PermissionDenied, match="自己的账号"):
        membership_grant(
            user=admins["sec_admin"],
            organization=xining,
            role="leader",
            granter=admins["sec_admin"],
        )


def _submitted_report(r):
    report = task_services.report_open(
        user=r.users["xining_officer"], assignment=r.xining, period=r.period
    )
    report = task_services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data={"nothing_to_report": True},
    )
    return task_services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )


def test_the_security_administrator_manages_accounts_and_sees_no_business_data(
    admins, client, reporting
):
    report = _submitted_report(reporting)
    client.force_login(admins["sec_admin"])
    assert client.get("/users/").status_code == 200
    officer = User.objects.get(username="haixi_officer")
    response = client.post(
        f"/users/{officer.pk}/roles/",
        {"organization": Organization.objects.get(code="haixi").pk, "role": "leader"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=officer, role="leader").exists()
    response = client.post(
        "/users/new/",
        {
            "username": "new_reviewer",
            "full_name": "新审核员",
            "email": "",
            "password": "Qh-sta-2026-review!",
            "organization": Organization.objects.get(code="qhsta").pk,
            "role": "reviewer",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="new_reviewer", role="reviewer").exists()
    # a role held by an administrator of the three is refused on the page with the reason
    response = client.post(
        f"/users/{admins['audit_admin'].pk}/roles/",
        {"organization": Organization.objects.get(code="qhsta").pk, "role": "leader"},
    )
    assert response.status_code == 400 and "不能再拥有其他角色" in response.content.decode()

    # no reports, no review, no audit log
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert f'data-report="{report.pk}"' not in client.get("/review/").content.decode()
    assert client.get("/audit/").status_code == 403
    api = APIClient()
    api.force_login(admins["sec_admin"])
    assert api.get("/api/v1/progress-reports/").json()["results"] == []


def test_the_system_administrator_configures_but_approves_nothing(admins, client, reporting):
    client.force_login(admins["sys_admin"])
    assert client.get("/users/").status_code == 403
    assert client.get("/audit/").status_code == 403
    before = ReportingPeriod.objects.filter(kind="year").count()
    response = client.post("/periods/qhsta-14th/generate/", {"kind": "year", "deadline_days": "30"})
    assert response.status_code == 302
    assert ReportingPeriod.objects.filter(kind="year").count() > before
    change = AccessEvent.objects.get(kind="config_change", username="sys_admin")
    assert change.organization_code == "qhsta" and "reporting periods year" in change.detail
    assert change.ip == "127.0.0.1" and change.outcome == "success"

    report = _submitted_report(reporting)
    assert client.get(f"/reports/{report.pk}/").status_code == 200  # business data: seen
    assert f'data-report="{report.pk}"' not in client.get("/review/").content.decode()
    response = client.post(
        f"/reports/{report.pk}/review/", {"decision": "approve", "version": report.version}
    )
    assert response.status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


def test_the_audit_administrator_reads_the_log_and_changes_nothing(admins, client, reporting):
    client.force_login(admins["audit_admin"])
    assert client.get("/audit/").status_code == 200
    assert client.get("/users/").status_code == 403
    report = task_services.report_open(
        user=reporting.users["xining_officer"], assignment=reporting.xining, period=reporting.period
    )
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.post(
        "/periods/qhsta-14th/generate/", {"kind": "year", "deadline_days": "3"}
    ).status_code in (403, 404)
    officer = User.objects.get(username="haixi_officer")
    assert client.post(f"/users/{officer.pk}/active/", {"active": "0"}).status_code in (403, 404)
    assert User.objects.get(pk=officer.pk).is_active
    api = APIClient()
    api.force_login(admins["audit_admin"])
    assert api.get("/api/v1/progress-reports/").json()["results"] == []


def test_only_the_audit_administrator_reads_the_log(admins, client):
    for username in ("province_admin", "sec_admin", "sys_admin", "leader", "reviewer"):
        client.force_login(User.objects.get(username=username))
        assert client.get("/audit/").status_code == 403, username
        assert client.get("/audit/export.csv").status_code == 403, username
    client.logout()
    assert client.get("/audit/").status_code == 302  # to the login page


def test_a_unit_administrator_cannot_switch_off_the_three(admins, client):
    root = Organization.objects.get(code="qhsta")
    province = user_ensure(
        username="province_unit_admin", full_name="省科协单位管理员", password="x"
    )
    membership_grant(user=province, organization=root, role="admin")
    client.force_login(province)
    for name in ("audit_admin", "sec_admin"):
        # the account pages are not theirs: the accounts do not exist for them
        response = client.post(f"/users/{admins[name].pk}/active/", {"active": "0"})
        assert response.status_code == 404
        assert User.objects.get(pk=admins[name].pk).is_active
        membership = Membership.objects.get(user=admins[name])
        client.post(f"/users/{admins[name].pk}/roles/{membership.pk}/withdraw/")
        assert Membership.objects.filter(pk=membership.pk).exists()
    # a prefecture's security administrator cannot either (they are outside its subtree)
    client.force_login(User.objects.get(username="xining_secadmin"))
    response = client.post(f"/users/{admins['audit_admin'].pk}/active/", {"active": "0"})
    assert response.status_code == 404
    assert User.objects.get(pk=admins["audit_admin"].pk).is_active
    # the security administrator may
    client.force_login(admins["sec_admin"])
    assert (
        client.post(f"/users/{admins['audit_admin'].pk}/active/", {"active": "0"}).status_code
        == 302
    )
    assert not User.objects.get(pk=admins["audit_admin"].pk).is_active
