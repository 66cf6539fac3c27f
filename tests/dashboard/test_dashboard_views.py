"""The dashboard shows the stored rollups, as they were for the chosen period, and only what the
user may see."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Organization
from plan.models import Indicator, KeyTask, TaskGroup
from tasks.models import IndicatorRollup, ProgressRollup, ReportingPeriod, RollupLevel

pytestmark = pytest.mark.django_db


def chart(html: str, chart_id: str) -> dict:
    match = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, chart_id
    return json.loads(match.group(1))


def row(period, level, subject_id, org_key=0):
    return ProgressRollup.objects.get(
        period=period, level=level, subject_id=subject_id, org_key=org_key
    )


def one(value) -> str:
    return f"{Decimal(value):.1f}"


def test_figures_on_the_page_are_the_stored_rollups(rolled, as_user):
    plan, periods = rolled
    period = periods[(2025, 4)]
    html = as_user("leader").get(f"/dashboard/?period={period.pk}").content.decode()

    plan_row = row(period, RollupLevel.PLAN, plan.pk)
    overall = re.search(r'id="overall-progress">([^<]*)<', html).group(1)
    assert overall == one(plan_row.progress)
    data = chart(html, "chart-overall")
    assert data["series"][0]["data"][:2] == [
        float(plan_row.progress),
        float(plan_row.expected_progress),
    ]

    groups = chart(html, "chart-groups")
    stored = {
        r.subject_id: r
        for r in ProgressRollup.objects.filter(period=period, level=RollupLevel.GROUP, org_key=0)
    }
    assert stored, "the demo has group rollups"
    for group, progress in zip(
        TaskGroup.objects.filter(plan=plan).order_by("number"),
        groups["series"][0]["data"],
        strict=True,
    ):
        expected = stored.get(group.pk)
        assert progress == (float(expected.progress) if expected else None)
        if expected:
            cell = re.search(
                rf'<tr class="dash-row" data-id="{group.pk}" data-progress="([^"]*)" '
                rf'data-status="([^"]*)">',
                html,
            )
            assert Decimal(cell.group(1)) == expected.progress
            assert cell.group(2) == expected.status

    # the 31 tasks: one cell each, coloured by the stored status
    cells = re.findall(r'class="dash-cell [^"]*" data-number="(\d+)" data-status="([^"]*)"', html)
    assert len(cells) == 31
    task_rows = {
        r.subject_id: r
        for r in ProgressRollup.objects.filter(period=period, level=RollupLevel.KEY_TASK, org_key=0)
    }
    tasks = {t.number: t for t in KeyTask.objects.filter(plan=plan)}
    for number, status in cells:
        stored_row = task_rows.get(tasks[int(number)].pk)
        assert status == (stored_row.status if stored_row else "none")

    # the prefectures compared: progress and literacy from their own stored rows
    units = chart(html, "chart-units")
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    xining = Organization.objects.get(code="xining")
    at = units["categories"].index(xining.name)
    assert units["series"][0]["data"][at] == float(
        row(period, RollupLevel.PLAN, plan.pk, xining.pk).progress
    )
    series = next(s for s in units["series"] if s["name"] == literacy.name)
    stored_value = IndicatorRollup.objects.filter(
        indicator=literacy, period=period, org_key=xining.pk
    ).first()
    assert series["data"][at] == (
        float(stored_value.value) if stored_value and stored_value.value is not None else None
    )
    assert len(units["categories"]) == 8


def test_a_past_period_shows_as_it_was(rolled, as_user):
    plan, periods = rolled
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    q4_2024 = periods[(2024, 4)]
    html = as_user("leader").get(f"/dashboard/?period={q4_2024.pk}").content.decode()
    stored = IndicatorRollup.objects.get(indicator=literacy, period=q4_2024, org_key=0)
    # 2024: (392 + 246 + 221) / (4000 + 3000 + 3200) of the three prefectures' surveys
    assert stored.value.quantize(Decimal("0.01")) == Decimal("8.42")
    path = chart(html, f"chart-path-{literacy.code}")
    assert path["categories"][0] == "2020" and path["series"][0]["data"][0] == 5.95
    assert path["series"][0]["data"][-1] == 10.0
    assert path["series"][1]["data"][path["categories"].index("2024")] == float(stored.value)
    # 2024 Q4 expects 5.95 + (10 − 5.95) × 4/5 = 9.19: 8.42 is behind the path (19% of the way)
    card = re.search(r'data-code="science-literacy-rate">(.*?)</article>', html, re.S).group(1)
    assert "9.19%" in card and "8.42%" in card
    assert 'data-status="at_risk"' in card
    plan_row = row(q4_2024, RollupLevel.PLAN, plan.pk)
    assert re.search(r'id="overall-progress">([^<]*)<', html).group(1) == one(plan_row.progress)


def test_thresholds_are_configurable(rolled, as_user):
    from dashboard.models import PathSettings

    plan, periods = rolled
    url = f"/dashboard/?period={periods[(2024, 4)].pk}"
    PathSettings.objects.create(plan=plan, at_risk_shortfall=20, off_track_shortfall=40)
    card = re.search(
        r'data-code="science-literacy-rate">(.*?)</article>',
        as_user("leader").get(url).content.decode(),
        re.S,
    ).group(1)
    assert 'data-status="on_track"' in card
    PathSettings.objects.filter(plan=plan).update(at_risk_shortfall=5, off_track_shortfall=15)
    card = re.search(
        r'data-code="science-literacy-rate">(.*?)</article>',
        as_user("leader").get(url).content.decode(),
        re.S,
    ).group(1)
    assert 'data-status="off_track"' in card


def test_lagging_and_compliance_come_from_the_rows(rolled, as_user):
    _plan, periods = rolled
    period = periods[(2025, 4)]
    html = as_user("leader").get(f"/dashboard/?period={period.pk}").content.decode()
    behind = ProgressRollup.objects.filter(
        period=period, level=RollupLevel.WORK_ITEM, org_key=0, status__in=["at_risk", "delayed"]
    )
    assert behind.exists()
    shown = set(re.findall(r'class="dash-lagging" data-id="(\d+)"', html))
    assert shown == {str(r.subject_id) for r in behind}
    stale = ProgressRollup.objects.filter(
        period=period, level=RollupLevel.ASSIGNMENT, explanation__stale=True
    )
    carried = re.search(
        r'class="table table-sm align-middle dash-table dash-carried">(.*?)</table>', html, re.S
    )
    for r in stale:
        assert f'data-org="{r.explanation["organization"]}"' in carried.group(1)


def test_a_period_without_figures_says_so(rolled, as_user):
    plan, _periods = rolled
    empty = ReportingPeriod.objects.get(plan=plan, year=2022, number=1)
    response = as_user("leader").get(f"/dashboard/?period={empty.pk}")
    assert response.status_code == 200
    assert "dash-chart" in response.content.decode()
    assert response.context["plan_row"] is None
    assert as_user("leader").get("/dashboard/?period=999999").status_code == 404


PREFECTURE_WORDS = ("haixi", "海西", "haidong", "海东")


def test_a_prefecture_user_sees_only_its_prefecture(rolled, as_user):
    plan, periods = rolled
    period = periods[(2025, 4)]
    client = as_user("xining_officer")
    xining = Organization.objects.get(code="xining")
    response = client.get(f"/dashboard/?period={period.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    for word in PREFECTURE_WORDS:
        assert word not in html, word
    # its own subtree's figures, not the province's
    own = row(period, RollupLevel.PLAN, plan.pk, xining.pk)
    assert re.search(r'id="overall-progress">([^<]*)<', html).group(1) == one(own.progress)
    assert chart(html, "chart-overall")["series"][0]["data"][0] == float(own.progress)
    for chart_id in re.findall(r'<script id="(chart-[^"]+)" type="application/json">', html):
        text = json.dumps(chart(html, chart_id), ensure_ascii=False)
        for word in PREFECTURE_WORDS:
            assert word not in text, (chart_id, word)

    # another prefecture, or the whole province, is not there to be asked for
    assert client.get(f"/dashboard/orgs/haixi/?period={period.pk}").status_code == 404
    assert client.get(f"/dashboard/?org=haixi&period={period.pk}").status_code == 404
    assert client.get(f"/dashboard/orgs/haixi/assignments/?period={period.pk}").status_code == 404
    # drill-down pages keep to its subtree
    task = KeyTask.objects.get(plan=plan, number=19)
    page = client.get(f"/dashboard/tasks/{task.pk}/?period={period.pk}").content.decode()
    for word in PREFECTURE_WORDS:
        assert word not in page, word
    work_item = task.work_items.filter(year=2025).first()
    page = client.get(f"/dashboard/work-items/{work_item.pk}/?period={period.pk}").content.decode()
    assert 'data-org="xining"' in page
    for word in PREFECTURE_WORDS:
        assert word not in page, word


@pytest.mark.parametrize(
    "table", ["groups", "tasks", "indicators", "units", "lagging", "compliance", "status"]
)
def test_exports_of_a_prefecture_user_hold_nothing_of_another(rolled, as_user, table):
    from io import BytesIO

    from openpyxl import load_workbook

    _plan, periods = rolled
    period = periods[(2025, 4)]
    response = as_user("xining_officer").get(f"/dashboard/export/{table}.xlsx?period={period.pk}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    text = " ".join(
        str(cell) for sheet in book for r in sheet.iter_rows(values_only=True) for cell in r
    )
    for word in PREFECTURE_WORDS:
        assert word not in text, (table, word)


def test_society_and_department_users_see_their_own_dashboard(rolled, as_user):
    plan, periods = rolled
    period = periods[(2025, 4)]
    html = as_user("society_officer").get(f"/dashboard/?period={period.pk}").content.decode()
    assert 'data-org="soc-agri"' in html
    own = row(period, RollupLevel.PLAN, plan.pk, Organization.objects.get(code="soc-agri").pk)
    assert re.search(r'id="overall-progress">([^<]*)<', html).group(1) == one(own.progress)
    for word in (*PREFECTURE_WORDS, "西宁"):
        assert word not in html


def test_drill_down_from_a_group_to_a_report_and_its_evidence(rolled, as_user):
    import hashlib

    from django.core.files.base import ContentFile

    from tasks.models import Evidence, ProgressReport

    plan, periods = rolled
    period = periods[(2024, 4)]
    task = KeyTask.objects.get(plan=plan, number=14)
    report = ProgressReport.objects.filter(
        period=period, state="approved", assignment__work_item__key_task=task
    ).first()
    content = b"%PDF-1.4 evidence"
    Evidence.objects.create(
        report=report,
        file=ContentFile(content, name="e.pdf"),
        original_name="学会换届工作总结.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    client = as_user("leader")
    with_figures = r'data-status="(?:on_track|at_risk|delayed|completed)">\s*<td><a href="({})"'

    def follow(html, path):
        url = re.search(with_figures.format(path), html).group(1).replace("&amp;", "&")
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    html = client.get(f"/dashboard/?period={period.pk}").content.decode()
    html = follow(html, rf"/dashboard/groups/{task.group_id}/\?[^\"]+")
    html = follow(html, rf"/dashboard/tasks/{task.pk}/\?[^\"]+")
    html = follow(html, r"/dashboard/work-items/\d+/\?[^\"]+")
    assert "学会换届工作总结.pdf" in html or str(report.assignment.work_item_id) not in html
    html = client.get(
        f"/dashboard/work-items/{report.assignment.work_item_id}/?period={period.pk}"
    ).content.decode()
    assert "学会换届工作总结.pdf" in html
    assert f'href="/reports/{report.pk}/"' in html
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "学会换届工作总结.pdf" in page
    org_url = re.search(r'href="(/dashboard/orgs/[\w-]+/assignments/\?[^"]+)"', html).group(1)
    page = client.get(org_url.replace("&amp;", "&")).content.decode()
    assert "dash-assignment" in page


def test_the_dashboard_runs_a_fixed_number_of_queries(rolled, as_user):
    plan, periods = rolled
    client = as_user("leader")
    counts = []
    empty = ReportingPeriod.objects.get(plan=plan, year=2022, number=1)  # nothing stored
    for period in (periods[(2024, 1)], periods[(2025, 4)], empty):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/dashboard/?period={period.pk}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] <= 20


def test_the_default_period_is_the_last_ended_one_with_figures(rolled, as_user, time_machine):
    """Without ?period= the dashboard opens at the last period that has ended and has figures:
    2025 Q4 once the plan is over; 2025 Q3 while Q4 is still running."""
    _plan, periods = rolled
    client = as_user("leader")
    time_machine.move_to("2026-03-01 10:00:00+08:00")
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["period"] == periods[(2025, 4)]
    assert response.context["period"].label in response.content.decode()
    time_machine.move_to("2025-11-20 10:00:00+08:00")
    assert client.get("/dashboard/").context["period"] == periods[(2025, 3)]
    # a prefecture's dashboard opens at the same period
    time_machine.move_to("2026-03-01 10:00:00+08:00")
    assert as_user("xining_officer").get("/dashboard/").context["period"] == periods[(2025, 4)]
