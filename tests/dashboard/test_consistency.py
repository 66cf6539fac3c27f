"""One figure, one source: every progress figure a dashboard or drill-down page shows for a
period is the stored rollup row of its subject, organisation and period, to the digit shown."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboard.templatetags.dashboard import pct
from orgs.models import Organization
from plan.models import KeyTask, TaskGroup
from tasks.models import ProgressRollup, WorkItem

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'data-figure="(\d+)-(\w+)-(\d+)-(\d+)"[^>]*>([^<]*)<')


def pages(plan, period):
    yield reverse("dashboard:home"), {}
    for code in Organization.objects.filter(kind="prefecture_sta").values_list("code", flat=True):
        yield reverse("dashboard:organization", args=[code]), {}
    for group in TaskGroup.objects.filter(plan=plan):
        yield reverse("dashboard:group", args=[group.pk]), {}
    for task in KeyTask.objects.filter(plan=plan):
        yield reverse("dashboard:task", args=[task.pk]), {}
    for item in WorkItem.objects.filter(key_task__plan=plan, year=period.year):
        yield reverse("dashboard:work_item", args=[item.pk]), {}
    yield reverse("dashboard:lagging"), {}
    yield reverse("dashboard:compliance"), {}


@pytest.mark.parametrize("quarter", [(2025, 4), (2024, 3)])
def test_every_page_shows_the_stored_figure(rolled, as_user, quarter):
    plan, periods = rolled
    period = periods[quarter]
    client = as_user("leader")
    stored = {
        (r.period_id, r.level, r.subject_id, r.org_key): r.progress
        for r in ProgressRollup.objects.filter(period__plan=plan)
    }
    shown = 0
    for url, extra in pages(plan, period):
        response = client.get(url, {"period": period.pk, **extra})
        assert response.status_code == 200, url
        for p, level, subject, org_key, text in FIGURE.findall(response.content.decode()):
            key = (int(p), level, int(subject), int(org_key))
            assert key in stored, (url, key)
            assert int(p) == period.pk, (url, key)
            assert text.strip() == pct(stored[key]), (url, key, text, stored[key])
            shown += 1
    assert shown > 50  # the check means something: dozens of figures across the pages


def test_a_unit_s_figure_is_the_same_on_the_task_and_the_work_item_page(rolled, as_user):
    """The task page's table of organisations and the work item page's assignments read the
    same stored rows: one organisation, one figure."""
    _plan, periods = rolled
    period = periods[(2025, 4)]
    client = as_user("leader")
    haixi = Organization.objects.get(code="haixi")
    row = (
        ProgressRollup.objects.filter(period=period, level="key_task", org_key=haixi.pk)
        .exclude(progress=None)
        .first()
    )
    assert row is not None
    page = client.get(reverse("dashboard:task", args=[row.subject_id]), {"period": period.pk})
    figures = {
        (lvl, int(s), int(o)): t.strip()
        for _p, lvl, s, o, t in FIGURE.findall(page.content.decode())
    }
    assert figures[("key_task", row.subject_id, haixi.pk)] == pct(row.progress)
    assert Decimal(pct(row.progress)) == row.progress.quantize(Decimal("0.1"))
