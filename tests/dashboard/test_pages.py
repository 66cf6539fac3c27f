"""Drill-down pages, the organisation's assignments, and the thresholds in the admin."""

import re

import pytest

from plan.models import Indicator
from tasks.models import IndicatorRollup, ProgressRollup, RollupLevel

pytestmark = pytest.mark.django_db


def test_indicator_page_lists_every_period_against_the_path(rolled, as_user):
    plan, periods = rolled
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    period = periods[(2025, 4)]
    html = (
        as_user("leader")
        .get(f"/dashboard/indicators/{literacy.pk}/?period={period.pk}")
        .content.decode()
    )
    stored = IndicatorRollup.objects.filter(indicator=literacy, org_key=0, period__plan=plan)
    shown = re.findall(r'<tr data-period="(\d+)">', html)
    assert sorted(shown) == sorted(str(r.period_id) for r in stored)
    for code in ("xining", "haixi", "haidong"):
        assert f'data-org="{code}"' in html


def test_organisation_assignments_and_their_state(rolled, as_user):
    _plan, periods = rolled
    period = periods[(2025, 4)]
    client = as_user("xining_officer")
    html = client.get(f"/dashboard/orgs/xining/assignments/?period={period.pk}").content.decode()
    orgs = set(re.findall(r'class="dash-assignment" data-org="([\w-]+)"', html))
    assert orgs and orgs <= {"xining", "xining-datong", "xining-chengdong", "xining-huangzhong"}
    for assignment_id in re.findall(r'data-assignment="(\d+)"', html):
        stored = ProgressRollup.objects.get(
            period=period, level=RollupLevel.ASSIGNMENT, subject_id=assignment_id, org_key=0
        )
        assert stored.explanation["organization"] in orgs


def test_the_thresholds_are_edited_in_the_admin(rolled, as_user):
    plan, _periods = rolled
    client = as_user("province_admin")
    response = client.post(
        "/admin/dashboard/pathsettings/add/",
        {"plan": plan.pk, "at_risk_shortfall": "20", "off_track_shortfall": "10"},
    )
    assert response.status_code == 200  # refused, with the reason beside the field
    assert "Far behind must be at least" in response.content.decode() or "严重落后" in (
        response.content.decode()
    )
    response = client.post(
        "/admin/dashboard/pathsettings/add/",
        {"plan": plan.pk, "at_risk_shortfall": "5", "off_track_shortfall": "15"},
    )
    assert response.status_code == 302
    assert plan.path_settings.off_track_shortfall == 15
