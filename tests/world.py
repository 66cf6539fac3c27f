"""A small world for scoping tests: the demo tree, a second province, and one account per role.

The `world` fixture (tests/conftest.py) builds it."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from orgs.models import Organization
from orgs.services import membership_grant, organization_ensure
from plan.models import Plan

# Which probe organisations each role must see, written out by hand from the role table.
PROBES = [
    "qhsta",
    "qhsta-societies-dept",
    "xining",
    "xining-datong",
    "xining-chengdong",  # a sibling county of xining-datong: a county grant never widens to it
    "haixi",
    "soc-agri",
    "gansu",
    "gansu-lanzhou",
]
QH = {
    "qhsta",
    "qhsta-societies-dept",
    "xining",
    "xining-datong",
    "xining-chengdong",
    "haixi",
    "soc-agri",
}
EXPECTED_VISIBLE = {
    "prov_admin": QH,
    "dept_officer": {"qhsta-societies-dept"},
    "reviewer": QH,
    "leader": QH,
    "xining_officer": {"xining", "xining-datong", "xining-chengdong"},
    "datong_officer": {"xining-datong"},
    "society_officer": {"soc-agri"},
    "xining_admin": {"xining", "xining-datong", "xining-chengdong"},
    "xining_secadmin": set(),  # accounts and roles only: no business data
    "gansu_officer": {"gansu", "gansu-lanzhou"},
    "inactive_officer": set(),
    "no_role": set(),
}
ROLES = {
    "prov_admin": ("admin", "qhsta"),
    "dept_officer": ("officer", "qhsta-societies-dept"),
    "reviewer": ("reviewer", "qhsta"),
    "leader": ("leader", "qhsta"),
    "xining_officer": ("officer", "xining"),
    "datong_officer": ("officer", "xining-datong"),
    "society_officer": ("officer", "soc-agri"),
    "xining_admin": ("admin", "xining"),
    "xining_secadmin": ("secadmin", "xining"),  # manages Xining's accounts (三员分立)
    "gansu_officer": ("officer", "gansu"),
    "inactive_officer": ("officer", "xining"),
    "no_role": None,
}


@dataclass
class World:
    orgs: dict
    users: dict
    plans: dict


def build_world(plan14) -> World:
    gansu, _ = organization_ensure(
        code="gansu", name="甘肃省科学技术协会", kind="provincial_sta", parent=None
    )
    organization_ensure(
        code="gansu-lanzhou", name="兰州市科学技术协会", kind="prefecture_sta", parent=gansu
    )
    gansu_plan = Plan.objects.create(
        code="gsta-14th",
        organization=gansu,
        title="甘肃省科协“十四五”规划",
        start_year=2021,
        end_year=2025,
    )
    User = get_user_model()
    orgs = {o.code: o for o in Organization.objects.all()}
    users = {}
    for username, role in ROLES.items():
        user = User.objects.create_user(username=f"t_{username}", password="x-unused-Passw0rd")
        if role:
            membership_grant(user=user, organization=orgs[role[1]], role=role[0])
        users[username] = user
    users["inactive_officer"].is_active = False
    users["inactive_officer"].save()
    return World(orgs=orgs, users=users, plans={"qh": plan14, "gansu": gansu_plan})
