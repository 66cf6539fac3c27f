"""The scoping API itself: roles through the tree, inactive users, global permissions, deletion."""

import pytest
from django.contrib.auth.models import Permission
from guardian.shortcuts import assign_perm

from orgs.models import Account, Membership, Organization, OrganizationUserObjectPermission
from orgs.services import membership_grant, membership_withdraw, organization_ensure
from plan.models import Indicator, KeyTask, Plan
from qhsta.scoping import Action, ScopedQuerySet, user_scope
from tests.world import EXPECTED_VISIBLE, PROBES


def fresh(user):
    """The user as the next request loads it (scopes are read once per request)."""
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", EXPECTED_VISIBLE)
def test_each_role_sees_exactly_its_subtree(world, role):
    user = world.users[role]
    visible = set(
        Organization.objects.visible_to(user).filter(code__in=PROBES).values_list("code", flat=True)
    )
    assert visible == EXPECTED_VISIBLE[role]


@pytest.mark.parametrize("role", EXPECTED_VISIBLE)
def test_plans_are_read_down_the_tree_and_never_across(world, role):
    user = world.users[role]
    plans = set(Plan.objects.visible_to(user).values_list("code", flat=True))
    tasks = KeyTask.objects.visible_to(user)
    if role in ("inactive_officer", "no_role", "xining_secadmin"):  # no business data
        assert plans == set() and not tasks.exists()
    elif role == "gansu_officer":
        assert plans == {"gsta-14th"} and not tasks.exists()
    else:
        assert plans == {"qhsta-14th"} and tasks.count() == 31


def test_only_the_plans_organisation_may_change_it(world):
    editable = {
        r for r in EXPECTED_VISIBLE if Plan.objects.restrict(world.users[r], Action.MANAGE).exists()
    }
    assert editable == {"prov_admin"}  # a prefecture administrator manages its unit, not the plan


def test_leadership_and_reviewers_hold_no_report_rights(world):
    for role in ("leader", "reviewer"):
        assert not Organization.objects.editable_by(world.users[role]).exists()
    assert not Organization.objects.restrict(world.users["leader"], Action.REVIEW).exists()
    assert (
        Organization.objects.restrict(world.users["reviewer"], Action.REVIEW).count()
        == Organization.objects.filter(path__startswith=world.orgs["qhsta"].path).count()
    )


def test_a_county_added_after_the_grant_is_covered(world):
    xining_officer = world.users["xining_officer"]
    county, _ = organization_ensure(
        code="xining-huangyuan",
        name="湟源县科学技术协会",
        kind="county_sta",
        parent=world.orgs["xining"],
    )
    assert Organization.objects.visible_to(fresh(xining_officer)).filter(pk=county.pk).exists()
    assert Organization.objects.editable_by(fresh(xining_officer)).filter(pk=county.pk).exists()
    # one permission row at the prefecture, none per county
    assert (
        OrganizationUserObjectPermission.objects.filter(
            user=xining_officer, content_object=county
        ).count()
        == 0
    )


def test_inactive_users_see_nothing(world):
    user = world.users["inactive_officer"]
    assert Membership.objects.filter(user=user).exists()
    assert user_scope(user, Action.VIEW).empty
    assert not Organization.objects.visible_to(user).exists()
    assert not Plan.objects.visible_to(user).exists()


def test_model_wide_permissions_do_not_widen_the_scope(world):
    user = world.users["datong_officer"]
    for codename in (
        "view_scope",
        "report_scope",
        "manage_scope",
        "view_organization",
        "change_organization",
    ):
        user.user_permissions.add(
            Permission.objects.get(codename=codename, content_type__app_label="orgs")
        )
    assign_perm("orgs.view_scope", user)  # guardian's global assignment
    user = fresh(user)
    assert user.has_perm("orgs.view_scope")  # Django says yes globally...
    codes = set(Organization.objects.visible_to(user).values_list("code", flat=True))
    assert codes == {"xining-datong", "datong-qiaotou"}  # ...but the scope stays the county


def test_object_permissions_do_not_outlive_their_organisation(world):
    org, _ = organization_ensure(
        code="temp-society", name="临时学会", kind="society", parent=world.orgs["qhsta"]
    )
    user = world.users["no_role"]
    membership_grant(user=user, organization=org, role="officer")
    assert OrganizationUserObjectPermission.objects.filter(content_object=org).count() == 2
    Organization.objects.get(pk=org.pk).delete()
    assert OrganizationUserObjectPermission.objects.filter(user=user).count() == 0
    assert not Organization.objects.visible_to(fresh(user)).exists()


def test_roles_take_effect_on_the_next_request_and_withdrawal_removes_them(world):
    user = world.users["no_role"]
    assert not Organization.objects.visible_to(user).exists()
    membership = membership_grant(user=user, organization=world.orgs["haixi"], role="leader")
    user = fresh(user)
    assert set(
        Organization.objects.visible_to(user).filter(code__in=PROBES).values_list("code", flat=True)
    ) == {"haixi"}
    assert not Organization.objects.editable_by(user).exists()
    membership_withdraw(membership=membership)
    assert not Organization.objects.visible_to(fresh(user)).exists()


def test_several_roles_at_several_organisations_add_up(world):
    user = world.users["society_officer"]
    membership_grant(user=user, organization=world.orgs["haixi"], role="reviewer")
    user = fresh(user)
    assert set(
        Organization.objects.visible_to(user).filter(code__in=PROBES).values_list("code", flat=True)
    ) == {"soc-agri", "haixi"}
    assert set(
        Organization.objects.editable_by(user)
        .filter(code__in=PROBES)
        .values_list("code", flat=True)
    ) == {"soc-agri"}
    assert set(
        Organization.objects.restrict(user, Action.REVIEW)
        .filter(code__in=PROBES)
        .values_list("code", flat=True)
    ) == {"haixi"}


def test_a_model_without_a_scope_shows_nothing(world):
    rows = ScopedQuerySet(model=Permission).restrict(world.users["prov_admin"])
    assert Permission.objects.exists() and not rows.exists()


def test_accounts_are_scoped_through_their_roles(world):
    xining_secadmin = world.users["xining_secadmin"]
    managed = set(
        Account.objects.restrict(xining_secadmin, Action.ACCOUNTS).values_list(
            "username", flat=True
        )
    )
    assert {
        "t_xining_officer",
        "t_datong_officer",
        "t_xining_admin",
        "t_xining_secadmin",
        "xining_officer",
        "datong_officer",
    } <= managed
    assert not managed & {
        "t_haixi_officer",
        "haixi_officer",
        "t_prov_admin",
        "t_society_officer",
        "t_gansu_officer",
    }
    # nobody else manages accounts: not the leader, not the unit administrators (三员分立)
    for role in ("leader", "xining_admin", "prov_admin"):
        assert not Account.objects.restrict(world.users[role], Action.ACCOUNTS).exists(), role


def test_published_indicators_are_public_and_nothing_else_is(world, client):
    anonymous = client.get("/").wsgi_request.user
    assert not Indicator.objects.visible_to(anonymous).exists()
    Indicator.objects.filter(code="science-literacy-rate").update(is_published=True)
    assert list(Indicator.objects.visible_to(anonymous).values_list("code", flat=True)) == [
        "science-literacy-rate"
    ]
    assert not Plan.objects.visible_to(anonymous).exists()
    assert not Organization.objects.visible_to(anonymous).exists()


def test_roles_held_at_a_deactivated_organisation_grant_nothing(world, reporting):
    """A prefecture STA taken out of service: its officers' roles there stop counting at once,
    for the organisation tree and for the data under it; the roles come back with it."""
    xining = world.orgs["xining"]
    officer = world.users["xining_officer"]
    assert Organization.objects.visible_to(fresh(officer)).filter(code="xining").exists()
    assert reporting.xining.__class__.objects.visible_to(fresh(officer)).exists()
    Organization.objects.filter(pk=xining.pk).update(is_active=False)
    user = fresh(officer)
    for action in Action:
        assert user_scope(user, action).empty, action
    assert not Organization.objects.visible_to(user).filter(code__in=PROBES).exists()
    assert not reporting.xining.__class__.objects.visible_to(user).exists()
    assert not Organization.objects.editable_by(user).exists()
    # a role elsewhere still counts; and the organisation back in service brings its roles back
    datong = fresh(world.users["datong_officer"])
    assert set(
        Organization.objects.visible_to(datong)
        .filter(code__in=PROBES)
        .values_list("code", flat=True)
    ) == {"xining-datong"}
    Organization.objects.filter(pk=xining.pk).update(is_active=True)
    assert Organization.objects.visible_to(fresh(officer)).filter(code="xining").exists()
