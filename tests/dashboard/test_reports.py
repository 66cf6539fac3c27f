"""Excel exports and the evaluation report (HTML and PDF)."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from plan.models import Indicator, KeyTask
from tasks.models import ProgressRollup, RollupLevel

pytestmark = pytest.mark.django_db


def test_the_pdf_has_the_plans_title_and_the_31_tasks(rolled, as_user):
    plan, periods = rolled
    response = as_user("leader").get(f"/dashboard/evaluation.pdf?period={periods[(2025, 4)].pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert re.sub(r"\s+", "", plan.title) in text
    tasks = KeyTask.objects.filter(plan=plan).order_by("number")
    assert tasks.count() == 31
    for task in tasks:
        assert re.sub(r"\s+", "", task.title) in text, task.number
    assert "规划实施情况检查评估" in text


def test_the_whole_plan_evaluation_page(rolled, as_user):
    plan, _periods = rolled
    response = as_user("leader").get("/dashboard/evaluation/?whole=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert plan.title in html
    # progress by year: each year's last period with figures
    years = response.context["years"]
    assert [y for y, _p, _r in years] == [2024, 2025]
    for _year, period, r in years:
        assert r == ProgressRollup.objects.get(
            period=period, level=RollupLevel.PLAN, subject_id=plan.pk, org_key=0
        )
    assert len(re.findall(r'class="eval-task"', html)) == 31
    # highlights come from approved reports of lead organisations
    assert response.context["highlights"]
    for _task, reports in response.context["highlights"]:
        for report in reports:
            assert report.state == "approved" and report.assignment.role == "lead"
            assert report.narrative in html


def test_the_full_status_export_holds_the_stored_figures(rolled, as_user):
    plan, periods = rolled
    period = periods[(2025, 4)]
    response = as_user("leader").get(f"/dashboard/export/status.xlsx?period={period.pk}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert len(book.sheetnames) >= 8
    tasks = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(tasks) == 1 + 31
    stored = {
        r.subject_id: r
        for r in ProgressRollup.objects.filter(period=period, level=RollupLevel.KEY_TASK, org_key=0)
    }
    by_number = {t.number: t for t in KeyTask.objects.filter(plan=plan)}
    for number, _title, _group, progress, expected, *_rest in tasks[1:]:
        r = stored.get(by_number[number].pk)
        assert progress == (float(r.progress) if r else None)
        assert expected == (float(r.expected_progress) if r else None)


def test_an_unknown_table_is_not_found(rolled, as_user):
    assert as_user("leader").get("/dashboard/export/users.xlsx").status_code == 404


def test_drill_down_tables_export_within_the_users_reach(rolled, as_user):
    from tasks.models import WorkItem

    plan, periods = rolled
    period = periods[(2025, 4)]
    task = KeyTask.objects.get(plan=plan, number=19)
    item = WorkItem.objects.filter(key_task=task, year=2025).first()
    client = as_user("xining_officer")
    urls = [
        f"/dashboard/export/group.xlsx?period={period.pk}&id={task.group_id}",
        f"/dashboard/export/task.xlsx?period={period.pk}&id={task.pk}",
        f"/dashboard/export/work-item.xlsx?period={period.pk}&id={item.pk}",
        f"/dashboard/export/assignments.xlsx?period={period.pk}&org=xining",
        f"/dashboard/export/indicator.xlsx?period={period.pk}&id="
        + str(Indicator.objects.get(plan=plan, code="science-literacy-rate").pk),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(BytesIO(response.content))
        text = " ".join(
            str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
        )
        assert "西宁" in text or "xining" in text or "Work item" in text or "工作事项" in text
        for word in ("haixi", "海西", "haidong", "海东"):
            assert word not in text, (url, word)
    assert client.get("/dashboard/export/assignments.xlsx?org=haixi").status_code == 404
    assert client.get("/dashboard/export/task.xlsx?id=abc").status_code == 404
