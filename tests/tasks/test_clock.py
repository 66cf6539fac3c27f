"""One clock (issue 14, point 7): every time shown or exported is Beijing time (Asia/Shanghai),
exports say so, and history rows agree with the fields they record."""

import csv
import datetime as dt
import io
import re
from io import BytesIO

import pytest
from django.test import Client
from openpyxl import load_workbook

from tasks import services

# 16:46:30 UTC on 4 December is 00:46:30 on 5 December in Xining: the two clocks differ in date
UTC_MOMENT = "2026-12-04 16:46:30+00:00"
LOCAL = "2026-12-05 00:46:30"
UTC_TEXT = "2026-12-04 16:46"
FORM = {"percent_complete": 60, "progress_status": "on_track", "narrative": "调查已完成。"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(reporting, time_machine):
    """Xining's Q3 2025 report with a typed indicator value, submitted at UTC_MOMENT."""
    r = reporting
    time_machine.move_to(UTC_MOMENT, tick=False)
    officer = r.users["xining_officer"]
    report = services.report_open(user=officer, assignment=r.xining, period=r.period)
    report = services.report_save(
        user=officer,
        report=report,
        version=report.version,
        data=FORM,
        values=[services.ValueInput(indicator=r.rate, numerator=18, denominator=100)],
    )
    report = services.report_submit(user=officer, report=report, version=report.version)
    return r, report


def test_a_history_row_shows_the_same_local_time_as_the_field_it_records(submitted):
    r, report = submitted
    html = client_for(r.users["xining_officer"]).get(f"/reports/{report.pk}/").content.decode()
    rows = re.findall(r'<tr class="history-entry".*?</tr>', html, re.S)
    submit_row = next(row for row in rows if "提交时间" in row)
    stamp = re.search(r'<td class="text-nowrap">([^<]+)</td>', submit_row).group(1)
    assert stamp == LOCAL  # the row's own time, Beijing time
    change = re.search(
        r"<strong>提交时间</strong>: <del>[^<]*</del> → <ins>([^<]+)</ins>", submit_row
    )
    assert change.group(1) == LOCAL  # the value it records, on the same clock
    assert f"<dd>{LOCAL[:16]} · " in html  # "Submitted" beside the report
    assert "时间(北京时间)" in html  # the history table says which clock
    assert UTC_TEXT not in html


def test_the_api_writes_times_in_iso_8601_with_the_beijing_offset(submitted):
    r, report = submitted
    client = client_for(r.users["xining_officer"])
    body = client.get(f"/api/v1/progress-reports/{report.pk}/").json()
    assert body["submitted_at"] == "2026-12-05T00:46:30+08:00"
    assert body["updated_at"].endswith("+08:00")
    values = client.get(f"/api/v1/indicator-values/?indicator={r.rate.pk}").json()["results"]
    ours = next(v for v in values if v["report"] == report.pk)
    assert ours["updated_at"] == "2026-12-05T00:46:30+08:00"
    text = client.get(f"/api/v1/indicator-values/?indicator={r.rate.pk}&format=csv")
    rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8").lstrip("\ufeff"))))
    row = next(row for row in rows if row["report"] == str(report.pk))
    assert row["updated_at"] == "2026-12-05T00:46:30+08:00"  # the CSV as the JSON: labelled


def test_exports_are_in_beijing_time_and_say_so(submitted):
    r, _report = submitted
    client = client_for(r.users["leader"])
    for url in (
        f"/dashboard/export/status.xlsx?period={r.period.pk}",
        f"/dashboard/export/work-item.xlsx?period={r.period.pk}&id={r.work_item.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(BytesIO(response.content))
        about = book.worksheets[-1]
        assert about.title == "导出说明"
        cells = {row[0]: row[1] for row in about.iter_rows(min_row=2, values_only=True)}
        assert cells["导出时间(北京时间, UTC+8)"] == dt.datetime(2026, 12, 5, 0, 46, 30)
        assert cells["报告期"] == r.period.label
        assert "北京时间" in cells["时间说明"] and "UTC+8" in cells["时间说明"]


def test_the_evaluation_report_says_its_time_is_beijing_time(submitted):
    r, _report = submitted
    html = client_for(r.users["leader"]).get(f"/dashboard/evaluation/?period={r.period.pk}")
    assert f"生成于{LOCAL[:16]}(北京时间)" in html.content.decode()
