"""Formula injection (issue 19, item 4): a work item, task, indicator or organisation whose name a
spreadsheet would read as a formula reaches every export (the dashboard's .xlsx tables, the
registers' import templates, the API's CSV) as text, never as a live formula; numbers stay
numbers."""

import csv
import io
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from orgs.models import Organization
from plan.models import Indicator, KeyTask, TaskGroup
from tasks.models import IndicatorValue, WorkItem

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.invalid/?x","Click")'
PAYLOADS = [
    HYPERLINK,
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_like(value) -> bool:
    return (
        isinstance(value, str)
        and value != ""
        and value[0] in "=+-@\t\r"
        and not NUMBER.fullmatch(value)
    )


def _rename(objects, field):
    for index, obj in enumerate(objects):
        payload = PAYLOADS[index % len(PAYLOADS)]
        setattr(obj, field, payload if index < len(PAYLOADS) else f"{payload} {obj.pk}")
        obj.save(update_fields=[field])


@pytest.fixture
def hostile(demo):
    """The dashboard's data with every name a spreadsheet formula; one indicator's baseline below
    zero and one value negative."""
    from tests.dashboard.data import build_rolled

    plan, periods = build_rolled()
    # the 2025 work items of the dashboard's period first, so the plain =HYPERLINK title is one
    items = WorkItem.objects.order_by("-year", "key_task__number", "pk")
    _rename(items, "title")
    _rename(KeyTask.objects.filter(plan=plan).order_by("number"), "title")
    _rename(TaskGroup.objects.filter(plan=plan).order_by("number"), "title")
    _rename(Indicator.objects.filter(plan=plan).order_by("pk"), "name")
    _rename(Organization.objects.order_by("path"), "name")
    Indicator.objects.filter(plan=plan, code="science-literacy-rate").update(baseline=-3)
    value = IndicatorValue.objects.filter(state="approved").order_by("pk").first()
    value.value = Decimal("-1.5")
    value.save(update_fields=["value"])
    return plan, periods, value


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def text_cells(content: bytes) -> list:
    """Every formula-like cell of a workbook: none is a formula, each is text with the quote
    prefix (as Excel stores a value typed with a leading apostrophe)."""
    book = load_workbook(BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = (sheet.title, cell.coordinate, cell.value)
                assert cell.data_type != "f", where
                if formula_like(cell.value):
                    assert cell.data_type == "s" and cell.quotePrefix, where
                    found.append(cell.value)
    return found


DASHBOARD_TABLES = ["groups", "tasks", "indicators", "units", "lagging", "compliance", "status"]


def test_every_dashboard_table_writes_formulas_as_text(hostile):
    _plan, periods, _value = hostile
    period = periods[(2025, 4)]
    leader = client_for("leader")
    for table in DASHBOARD_TABLES:
        response = leader.get(f"/dashboard/export/{table}.xlsx?period={period.pk}")
        assert response.status_code == 200, table
        found = text_cells(response.content)
        if table != "groups":  # a group's cell starts with its number (一、), not its title
            assert found, table  # the hostile names are in the export, as text
        if table in ("status", "lagging"):
            assert HYPERLINK in found, table


def test_every_drill_down_table_writes_formulas_as_text(hostile):
    plan, periods, _value = hostile
    period = periods[(2025, 4)]
    item = WorkItem.objects.get(title=HYPERLINK)
    routes = {
        "group": item.key_task.group.pk,
        "task": item.key_task.pk,
        "work-item": item.pk,
        "indicator": Indicator.objects.get(plan=plan, code="science-literacy-rate").pk,
    }
    leader = client_for("leader")
    for table, key in routes.items():
        response = leader.get(f"/dashboard/export/{table}.xlsx?id={key}&period={period.pk}")
        assert response.status_code == 200, table
        found = text_cells(response.content)
        assert found, table
        if table in ("task", "work-item"):
            assert HYPERLINK in found, table
    response = leader.get(f"/dashboard/export/assignments.xlsx?period={period.pk}&org=xining")
    assert response.status_code == 200
    assert text_cells(response.content)


def test_numbers_stay_numbers_in_the_workbooks(hostile):
    _plan, periods, _value = hostile
    period = periods[(2025, 4)]
    response = client_for("leader").get(f"/dashboard/export/indicators.xlsx?period={period.pk}")
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    literacy = next(r for r in rows if r[0].value == "science-literacy-rate")
    baseline = literacy[3]
    assert baseline.value == -3 and baseline.data_type == "n" and not baseline.quotePrefix
    targets = [r[5] for r in rows if r[5].value is not None]
    assert targets and all(t.data_type == "n" for t in targets)


def test_the_registers_templates_write_formulas_as_text(hostile):
    admin = client_for("province_admin")
    for url in (
        "/work-items/import/template.xlsx?plan=qhsta-14th",
        "/sciencepop/surveys/import/template.xlsx",
        "/sciencepop/venues/import/template.xlsx",
        "/thinktank/experts/import/template.xlsx",
    ):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert text_cells(response.content), url  # the tasks' and organisations' names, as text


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))


def test_the_api_csv_writes_formulas_as_text_and_numbers_as_numbers(hostile):
    _plan, periods, value = hostile
    leader = client_for("leader")
    period = periods[(2025, 4)]
    rows = csv_rows(
        leader.get(f"/api/v1/rollups/?level=work_item&period={period.pk}&page_size=1000&format=csv")
    )
    labels = [r["subject.label"] for r in rows]
    assert "'" + HYPERLINK in labels and HYPERLINK not in labels
    assert not [label for label in labels if formula_like(label)]
    assert any(r["progress"] and float(r["progress"]) >= 0 for r in rows)

    rows = csv_rows(leader.get("/api/v1/indicator-values/?page_size=1000&format=csv"))
    names = {r["organization_name"] for r in rows}
    assert any(n.startswith("'") and formula_like(n[1:]) for n in names)
    assert not [n for n in names if formula_like(n)]
    negative = next(r for r in rows if r["id"] == str(value.pk))
    assert negative["value"] == "-1.5"  # a negative number is a number, not a formula

    rows = csv_rows(leader.get("/api/v1/indicator-rollups/?page_size=1000&format=csv"))
    assert rows
    for row in rows:
        assert not [v for v in row.values() if formula_like(v)], row
