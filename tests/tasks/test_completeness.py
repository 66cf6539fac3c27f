"""Every figure exists for every period all the time: carried from earlier approvals (沿用),
recomputed when what it rests on changes, counted against the units expected to report."""

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from orgs.models import Organization
from plan.models import Indicator, KeyTask
from tasks import services
from tasks.models import (
    IndicatorRollup,
    IndicatorValue,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rolled(demo):
    from tests.dashboard.data import build_rolled

    return build_rolled()


def task_row(period, task, org_key=0):
    return ProgressRollup.objects.filter(
        period=period, level="key_task", subject_id=task.pk, org_key=org_key
    ).first()


def ever_approved(task, period) -> bool:
    """Whether any work item of the task for the period's year has an approved report up to it."""
    return ProgressReport.objects.filter(
        assignment__work_item__key_task=task,
        assignment__work_item__year=period.year,
        state="approved",
        percent_complete__isnull=False,
        period__ends_on__lte=period.ends_on,
    ).exists()


def test_a_period_opened_without_reports_carries_every_earlier_figure(
    rolled, django_capture_on_commit_callbacks
):
    plan, periods = rolled
    admin = get_user_model().objects.get(username="province_admin")
    with django_capture_on_commit_callbacks(execute=True):
        created = services.periods_generate(plan=plan, kind="half", actor=admin)
    assert created
    h2 = ReportingPeriod.objects.get(plan=plan, kind="half", year=2025, number=2)
    assert not ProgressReport.objects.filter(period=h2).exists()
    q_labels = {p.pk: p.label for p in periods.values()}
    checked = 0
    for task in KeyTask.objects.filter(plan=plan):
        row = task_row(h2, task)
        if not ever_approved(task, h2):
            continue
        checked += 1
        assert row is not None and row.progress is not None, task.number
        # every figure of the half-year rests on a quarter's approval: all carried
        assert row.explanation["carried"] == row.reported > 0
        assert row.explanation["carried_from"] in q_labels
    assert checked >= 5


def test_the_latest_period_shows_every_task_with_an_earlier_approval(rolled):
    plan, periods = rolled
    q4 = periods[(2025, 4)]
    for task in KeyTask.objects.filter(plan=plan):
        row = task_row(q4, task)
        if ever_approved(task, q4):
            assert row is not None and row.progress is not None, task.number


def test_task_page_says_what_a_carried_figure_rests_on(rolled, login):
    _plan, periods = rolled
    q4 = periods[(2025, 4)]
    carried = [
        r
        for r in ProgressRollup.objects.filter(period=q4, level="key_task", org_key=0)
        if r.explanation.get("carried") and r.explanation["carried"] == r.reported
    ]
    assert carried
    row = carried[0]
    source = ReportingPeriod.objects.get(pk=row.explanation["carried_from"])
    page = login("leader").get(reverse("dashboard:task", args=[row.subject_id]), {"period": q4.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert f"沿用 {source.label}" in text
    api = login("leader").get(
        "/api/v1/rollups/",
        {"level": "key_task", "subject": row.subject_id, "period": q4.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    found = [r for r in api.json()["results"] if r["organization"] is None]
    assert found and found[0]["carried"] == row.reported
    assert found[0]["carried_from"] == source.pk
    assert found[0]["carried_from_label"] == source.label


def test_new_work_item_and_assignment_get_their_figures_at_once(
    rolled, django_capture_on_commit_callbacks
):
    plan, periods = rolled
    q4 = periods[(2025, 4)]
    admin = get_user_model().objects.get(username="province_admin")
    task = KeyTask.objects.get(plan=plan, number=3)
    before = ProgressRollup.objects.get(period=q4, level="plan", subject_id=plan.pk, org_key=0)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.work_item_save(
            actor=admin,
            key_task=task,
            year=2025,
            title="新增工作事项",
            weight=Decimal(1),
            due_date=dt.date(2025, 12, 31),
        )
        services.assignment_save(
            actor=admin,
            work_item=item,
            organization=Organization.objects.get(code="golog"),
            role="lead",
        )
    row = ProgressRollup.objects.get(period=q4, level="work_item", subject_id=item.pk, org_key=0)
    assert row.progress == 0 and row.reported == 0 and row.expected == 1
    assert row.missing == ["golog"]
    after = ProgressRollup.objects.get(period=q4, level="plan", subject_id=plan.pk, org_key=0)
    assert after.expected == before.expected + 1
    assert task_row(q4, task) is not None


def test_literacy_coverage_counts_every_prefecture(rolled, login):
    plan, periods = rolled
    q4 = periods[(2025, 4)]
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    row = IndicatorRollup.objects.get(indicator=literacy, period=q4, org_key=0)
    assert row.expected == Organization.objects.filter(kind="prefecture_sta").count() == 8
    # xining and haixi surveyed in 2025; haidong's 2024 survey is 2024's: it is missing for 2025
    assert row.reported == 2
    assert row.explanation["carried"] == 0
    assert {"haidong", "golog", "yushu"} <= set(row.missing)
    page = login("leader").get(reverse("dashboard:home"), {"period": q4.pk})
    assert "2/8" in page.content.decode()


def test_a_target_reached_without_full_coverage_is_provisional(
    rolled, login, django_capture_on_commit_callbacks
):
    plan, periods = rolled
    q4 = periods[(2025, 4)]
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    from tasks.rollups.feeds import indicator_feed

    with django_capture_on_commit_callbacks(execute=True):
        for code in ("xining", "haixi"):
            indicator_feed(
                indicator=literacy,
                organization=Organization.objects.get(code=code),
                period=q4,
                numerator=Decimal(600),
                denominator=Decimal(4000),
                source="test",
            )
    row = IndicatorRollup.objects.get(indicator=literacy, period=q4, org_key=0)
    assert row.value >= literacy.target and row.reported < row.expected
    page = login("leader").get(
        reverse("dashboard:indicator", args=[literacy.pk]), {"period": q4.pk}
    )
    text = page.content.decode()
    assert "暂定达标" in text
    assert "已达到目标" not in text


def test_headline_counts_equal_the_status_export(rolled, login):
    _plan, periods = rolled
    q4 = periods[(2025, 4)]
    client = login("leader")
    page = client.get(reverse("dashboard:home"), {"period": q4.pk}).content.decode()
    found = re.search(r"(\d+)项任务分工:本期审核通过(\d+)项,沿用前期(\d+)项,从未报送(\d+)项", page)
    assert found, "headline missing"
    expected, current, carried, never = map(int, found.groups())
    book = client.get(reverse("dashboard:export", args=["status"]), {"period": q4.pk})
    assert book.status_code == 200
    sheet = load_workbook(BytesIO(book.content))["任务分工"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("数据所属期")
    origins = [r[column] for r in rows[1:]]
    assert len(origins) == expected
    assert origins.count("本期") == current
    assert sum(1 for o in origins if str(o).startswith("沿用")) == carried
    assert origins.count("从未报送") == never


def test_gaps_have_one_sign_ahead_is_positive():
    from django.utils import translation

    from dashboard.templatetags.dashboard import path_gap

    with translation.override("zh-hans"):
        assert path_gap(Decimal("-8.4")) == "超前 8.4%"
        assert path_gap(Decimal("3.2")) == "滞后 3.2%"


def test_deactivating_a_prefecture_changes_who_is_expected(
    rolled, django_capture_on_commit_callbacks
):
    plan, periods = rolled
    q4 = periods[(2025, 4)]
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    golog = Organization.objects.get(code="golog")
    with django_capture_on_commit_callbacks(execute=True):
        golog.is_active = False
        golog.save()
    row = IndicatorRollup.objects.get(indicator=literacy, period=q4, org_key=0)
    assert row.expected == 7 and "golog" not in row.missing
    assert IndicatorValue.objects.filter(indicator=literacy).exists()
