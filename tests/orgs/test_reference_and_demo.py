"""The organisation tree and the demo accounts a newcomer's `make run` brings."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from orgs.models import Membership, Organization
from plan.models import Indicator

PREFECTURES = [
    "西宁市",
    "海东市",
    "海北藏族自治州",
    "黄南藏族自治州",
    "海南藏族自治州",
    "果洛藏族自治州",
    "玉树藏族自治州",
    "海西蒙古族藏族自治州",
]


@pytest.mark.django_db
def test_reference_tree_has_the_eight_prefecture_stas():
    call_command("load_orgs", verbosity=0)
    root = Organization.objects.get_root_nodes().get()
    assert root.name == "青海省科学技术协会"
    children = list(Organization.objects.get_children(root))
    assert [c.name for c in children] == [f"{p}科学技术协会" for p in PREFECTURES]
    assert {c.kind for c in children} == {"prefecture_sta"}


def test_demo_tree_and_accounts(demo):
    xining = Organization.objects.get(code="xining")
    datong = Organization.objects.get(code="xining-datong")
    assert datong.is_descendant_of(xining)
    assert Organization.objects.get(code="datong-qiaotou").is_descendant_of(xining)
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {
        "department",
        "affiliated_unit",
        "county_sta",
        "society",
        "university_sta",
        "enterprise_sta",
    } <= kinds
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {
        "province_admin",
        "dept_officer",
        "leader",
        "xining_officer",
        "haixi_officer",
        "society_officer",
    } <= usernames
    assert Membership.objects.filter(
        user__username="haixi_officer", organization__code="haixi", role="officer"
    ).exists()


def test_demo_reload_keeps_what_users_entered(demo):
    User = get_user_model()
    officer = User.objects.get(username="xining_officer")
    officer.set_password("a-new-password-chosen-by-the-user")
    officer.save()
    Organization.objects.filter(code="soc-agri").update(name="青海省农学会(更名)")
    before = (Organization.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("load_demo", verbosity=0)
    call_command("load_plan", verbosity=0)
    assert (
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == before
    assert User.objects.get(username="xining_officer").check_password(
        "a-new-password-chosen-by-the-user"
    )
    assert Organization.objects.get(code="soc-agri").name == "青海省农学会(更名)"


@pytest.mark.django_db
def test_demo_data_is_never_loaded_in_production():
    with (
        override_settings(IS_PRODUCTION=True),
        pytest.raises(CommandError, match="never loaded in production"),
    ):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


def test_admin_site_is_chinese_and_lists_every_model(demo, login):
    from django.apps import apps
    from django.contrib import admin

    client = login("province_admin")
    html = client.get("/admin/").content.decode()
    assert "站点管理" in html  # Django's own Chinese
    for app_label in ("orgs", "plan"):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label == "orgs.AccessEvent":
                # the audit log is the audit administrator's (/audit/), not the superuser's
                assert not admin.site.is_registered(model)
                continue
            assert admin.site.is_registered(model), model
            assert str(model._meta.verbose_name_plural) in html
    assert "重点任务" in html and "组织" in html
    for url in (
        "/admin/plan/keytask/",
        "/admin/orgs/organization/",
        "/admin/orgs/membership/",
        f"/admin/plan/indicator/{Indicator.objects.first().pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert "加强科协组织党的建设" in client.get("/admin/plan/keytask/").content.decode()
