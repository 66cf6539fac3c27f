"""Rollup rows are scoped in the one place (their models' Scope): an organisation's subtree
figures and an assignment's only within that subtree; the figures for all organisations (made of
every prefecture's figures) only for users whose view covers the plan's whole organisation."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from qhsta.scoping import Action
from tasks.models import IndicatorRollup, IndicatorValue, ProgressRollup
from tasks.rollups.compute import rollup_full


def test_a_prefecture_sees_its_own_figures_not_the_provinces_nor_another_prefectures(reporting):
    IndicatorValue.objects.create(
        indicator=reporting.literacy,
        organization=reporting.haixi.organization,
        period=reporting.period,
        numerator=Decimal(3),
        denominator=Decimal(40),
        state="approved",
    )
    rollup_full(reporting.work_item.key_task.plan, reporting.period)
    officer = get_user_model().objects.get(username="xining_officer")
    progress = ProgressRollup.objects.restrict(officer, Action.VIEW)
    haixi, xining = reporting.haixi, reporting.xining
    assert not progress.filter(level="plan", org_key=0).exists()
    assert not progress.filter(level="work_item", org_key=0).exists()
    assert progress.filter(org_key=xining.organization_id).exists()
    assert progress.filter(level="assignment", subject_id=xining.pk).exists()
    assert not progress.filter(org_key=haixi.organization_id).exists()
    assert not progress.filter(level="assignment", subject_id=haixi.pk).exists()
    assert ProgressRollup.objects.filter(org_key=haixi.organization_id).exists()
    indicators = IndicatorRollup.objects.restrict(officer, Action.VIEW)
    assert not indicators.filter(org_key=0).exists()
    assert indicators.filter(org_key=xining.organization_id).exists()
    assert not indicators.filter(org_key=haixi.organization_id).exists()
    assert IndicatorRollup.objects.filter(org_key=haixi.organization_id).exists()
    leader = get_user_model().objects.get(username="leader")
    seen = ProgressRollup.objects.restrict(leader, Action.VIEW)
    assert seen.filter(org_key=haixi.organization_id).exists()
    assert seen.filter(level="plan", org_key=0).exists()
    assert IndicatorRollup.objects.restrict(leader, Action.VIEW).filter(org_key=0).exists()
