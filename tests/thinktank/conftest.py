"""Fixtures of the think-tank tests: the demo tree and accounts, experts and an open call."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from orgs.models import Organization
from thinktank import services


class TT:
    pass


@pytest.fixture
def tt(demo):
    w = TT()
    w.orgs = {o.code: o for o in Organization.objects.all()}
    w.users = {u.username: u for u in get_user_model().objects.all()}
    admin = w.users["province_admin"]
    w.admin, w.reviewer, w.society = admin, w.users["reviewer"], w.users["society_officer"]

    def expert(code, name, **extra):
        return services.expert_save(
            actor=admin, organization=w.orgs[code], name=name, expertise="高原农业", **extra
        )

    w.agri_a = expert("soc-agri", "王甲")
    w.agri_b = expert("soc-agri", "李乙")
    w.eco = expert("soc-ecology", "马丙")
    w.med = expert("soc-medical", "赵丁")
    w.away = expert("univ-qhu", "周戊", availability="unavailable")
    w.today = dt.date(2025, 3, 10)
    w.call = services.call_save(
        actor=admin,
        organization=w.orgs["qhsta"],
        year=2025,
        title="2025年度调研课题",
        application_deadline=dt.date(2025, 4, 15),
        review_deadline=dt.date(2025, 5, 31),
        midterm_deadline=dt.date(2025, 9, 30),
        final_deadline=dt.date(2025, 12, 31),
    )
    services.call_transition(actor=admin, call=w.call, move="open")

    def topic(title="牧区科技服务调查", principal=None, team=(), actor=None):
        return services.topic_save(
            actor=actor or w.society,
            call=w.call,
            organization=w.orgs["soc-agri"],
            title=title,
            principal=principal or w.agri_a,
            summary="研究计划",
            budget=Decimal("5"),
            team=list(team),
        )

    w.topic = topic
    return w
