"""Importing annual work items and assignments from the Excel sheet a provincial office keeps."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape

from orgs.services import membership_grant
from tasks.models import Assignment, WorkItem
from tasks.workitems import importers

HEADER = [
    "重点任务编号",
    "年度",
    "工作事项",
    "工作内容",
    "权重",
    "完成时限",
    "牵头单位",
    "配合单位",
]


def zh(msgid: str, **values) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return escape(text % values if values else text)


def row(**cells):
    values = {
        "重点任务编号": 19,
        "年度": 2024,
        "工作事项": "举办青海省科普讲解大赛",
        "工作内容": "组织各市州选拔,决赛在西宁举行。",
        "权重": 2,
        "完成时限": dt.datetime(2024, 9, 30),
        "牵头单位": "qhsta-sciencepop-dept",
        "配合单位": "xining、海西蒙古族藏族自治州科学技术协会",
    }
    values.update(cells)
    return [values[h] for h in HEADER]


def xlsx(*rows, header=HEADER, name="工作计划.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    if header:
        sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=importers.XLSX_TYPE)


def upload(client, file, plan="qhsta-14th"):
    from plan.models import Plan

    return client.post(
        "/work-items/import/", {"plan": Plan.objects.get(code=plan).pk, "file": file}
    )


def counts() -> tuple[int, int]:
    """How many work items and assignments there are (the demo data brings its own)."""
    return WorkItem.objects.count(), Assignment.objects.count()


def error_rows(html: str) -> list[str]:
    import re

    return re.findall(r'<tr class="import-error" data-row="(\d+)">', html)


def good_rows():
    return [
        row(),
        row(
            **{
                "重点任务编号": "7",
                "工作事项": "开展“最美科技工作者”学习宣传",
                "权重": "1.5",
                "完成时限": "2024/12/31",
                "牵头单位": "青海省科学技术协会",  # by its exact name
                "配合单位": "soc-agri，soc-medical;xining-datong",  # the separators people type
            }
        ),
        row(**{"年度": "2025年", "工作事项": "科普大篷车进基层", "权重": None, "配合单位": None}),
    ]


def test_import_creates_work_items_and_assignments(world, client):
    before_items, before_assignments = counts()
    client.force_login(world.users["prov_admin"])
    page = client.get("/work-items/import/").content.decode()
    assert '<label class="form-label" for="id_file">' in page
    assert "/work-items/import/template.xlsx" in page

    response = upload(client, xlsx(*good_rows()))
    assert response.status_code == 302, error_rows(response.content.decode())
    assert response["Location"] == "/work-items/?plan=qhsta-14th"
    titles = {"举办青海省科普讲解大赛", "开展“最美科技工作者”学习宣传", "科普大篷车进基层"}
    items = {w.title: w for w in WorkItem.objects.filter(title__in=titles)}
    assert set(items) == titles and counts() == (before_items + 3, before_assignments + 8)

    first = items["举办青海省科普讲解大赛"]
    assert (first.key_task.number, first.year, first.weight, first.due_date) == (
        19,
        2024,
        Decimal("2"),
        dt.date(2024, 9, 30),
    )
    assert first.description == "组织各市州选拔,决赛在西宁举行。"
    assert set(first.assignments.values_list("organization__code", "role")) == {
        ("qhsta-sciencepop-dept", "lead"),
        ("xining", "supporting"),
        ("haixi", "supporting"),
    }
    second = items["开展“最美科技工作者”学习宣传"]
    assert (second.key_task.number, second.weight, second.due_date) == (
        7,
        Decimal("1.5"),
        dt.date(2024, 12, 31),
    )
    assert set(second.assignments.values_list("organization__code", "role")) == {
        ("qhsta", "lead"),
        ("soc-agri", "supporting"),
        ("soc-medical", "supporting"),
        ("xining-datong", "supporting"),
    }
    third = items["科普大篷车进基层"]
    assert (third.year, third.weight) == (2025, Decimal("1"))
    assert first.history.get().history_user == world.users["prov_admin"]

    listing = client.get(response["Location"]).content.decode()
    assert "科普大篷车进基层" in listing

    # the same file again changes nothing and duplicates nothing
    assert upload(client, xlsx(*good_rows())).status_code == 302
    assert counts() == (before_items + 3, before_assignments + 8)
    assert first.history.count() == 1

    # a changed weight and a new supporting unit update the existing item
    changed = good_rows()
    changed[0] = row(**{"权重": 3, "配合单位": "xining,haixi；soc-agri"})
    assert upload(client, xlsx(*changed)).status_code == 302
    first.refresh_from_db()
    assert first.weight == Decimal("3") and counts() == (before_items + 3, before_assignments + 9)
    assert first.assignments.filter(organization__code="soc-agri", role="supporting").exists()


BAD_ROWS = {
    "unknown task": (
        {"重点任务编号": 99},
        "重点任务编号",
        ("There is no key task %(n)s in this plan.", {"n": 99}),
    ),
    "task not a number": (
        {"重点任务编号": "七"},
        "重点任务编号",
        ("“%(value)s” is not a whole number.", {"value": "七"}),
    ),
    "negative weight": ({"权重": -1}, "权重", ("The weight cannot be negative.", {})),
    "weight not a number": (
        {"权重": "很重要"},
        "权重",
        ("“%(value)s” is not a number.", {"value": "很重要"}),
    ),
    "bad date": (
        {"完成时限": "2024-13-45"},
        "完成时限",
        (
            "“%(value)s” is not a date; write it as 2025-12-31 or format the cell as a date.",
            {"value": "2024-13-45"},
        ),
    ),
    "year outside the plan": (
        {"年度": 2030},
        "年度",
        ("The year must lie within the plan (%(start)s–%(end)s).", {"start": 2021, "end": 2025}),
    ),
    "unknown organisation": (
        {"配合单位": "xining、火星科协"},
        "配合单位",
        ("There is no organisation “%(name)s”.", {"name": "火星科协"}),
    ),
    "lead also supporting": (
        {"牵头单位": "xining", "配合单位": "haixi、西宁市科学技术协会"},
        "配合单位",
        (
            "%(name)s is the lead; it cannot also be a supporting unit.",
            {"name": "西宁市科学技术协会"},
        ),
    ),
    "two leads": (
        {"牵头单位": "xining、haixi"},
        "牵头单位",
        ("A work item has exactly one lead organisation.", {}),
    ),
    "missing title": ({"工作事项": None}, "工作事项", ("This cell must not be empty.", {})),
    "missing lead": ({"牵头单位": "  "}, "牵头单位", ("This cell must not be empty.", {})),
    "missing due date": ({"完成时限": None}, "完成时限", ("This cell must not be empty.", {})),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_named_by_its_number_and_nothing_is_saved(world, client, case):
    before = counts()
    cells, column, (msgid, values) = BAD_ROWS[case]
    client.force_login(world.users["prov_admin"])
    rows = good_rows()
    rows.insert(
        2, row(**{"工作事项": "第四行的工作", **cells})
    )  # the header is row 1: this is row 4
    response = upload(client, xlsx(*rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert error_rows(html) == ["4"]
    error = html.split('data-row="4">')[1].split("</tr>")[0]
    assert column in error and zh(msgid, **values) in error
    assert zh("row %(row)s", row=4) in error
    assert counts() == before


def test_an_organisation_outside_the_importers_scope_is_refused(world, client):
    before = counts()
    # an administrator of the province who may also read (not manage) another province
    admin = world.users["prov_admin"]
    membership_grant(user=admin, organization=world.orgs["gansu"], role="leader")
    client.force_login(admin)
    response = upload(
        client, xlsx(*good_rows(), row(**{"工作事项": "跨省", "配合单位": "gansu-lanzhou"}))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert error_rows(html) == ["5"]
    assert (
        zh(
            "%(name)s is outside the organisations you manage for this plan.",
            name="兰州市科学技术协会",
        )
        in html
    )
    assert counts() == before


def test_errors_of_many_rows_are_all_reported_up_to_fifty(world, client):
    before = counts()
    client.force_login(world.users["prov_admin"])
    rows = [row(**{"工作事项": f"事项{i}", "权重": -i - 1}) for i in range(60)]
    response = upload(client, xlsx(*rows))
    html = response.content.decode()
    assert response.status_code == 400
    assert error_rows(html) == [str(n) for n in range(2, 52)]  # the first 50, by row number
    assert zh("Errors found in the file: %(n)s. Nothing was saved.", n=60) in html
    assert counts() == before


def test_the_same_work_item_twice_in_a_file_is_an_error(world, client):
    before = counts()
    client.force_login(world.users["prov_admin"])
    response = upload(client, xlsx(row(), row()))
    assert error_rows(response.content.decode()) == ["3"]
    assert zh("The same work item is already in row %(row)s.", row=2) in response.content.decode()
    assert counts() == before


def test_a_row_cannot_replace_the_lead_of_an_existing_work_item(world, client):
    client.force_login(world.users["prov_admin"])
    assert upload(client, xlsx(row())).status_code == 302
    response = upload(client, xlsx(row(**{"牵头单位": "xining", "配合单位": None})))
    assert response.status_code == 400 and error_rows(response.content.decode()) == ["2"]
    item = WorkItem.objects.get(title="举办青海省科普讲解大赛")
    assert item.assignments.get(role="lead").organization.code == "qhsta-sciencepop-dept"


@pytest.mark.parametrize(
    "file, msgid",
    [
        (
            SimpleUploadedFile("plan.xlsx", b"not a spreadsheet at all", content_type="text/plain"),
            "This is not an Excel .xlsx file; save it as an Excel workbook (.xlsx) and retry.",
        ),
        (
            SimpleUploadedFile("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
            "This is not an Excel .xlsx file; save it as an Excel workbook (.xlsx) and retry.",
        ),
        ("empty", "The sheet is empty."),
        ("header only", "The sheet is empty."),
    ],
)
def test_a_file_that_is_not_a_filled_sheet_is_refused(world, client, file, msgid):
    before = counts()
    if file == "empty":
        file = xlsx(header=None)
    elif file == "header only":
        file = xlsx()
    client.force_login(world.users["prov_admin"])
    response = upload(client, file)
    assert response.status_code == 400
    assert zh(msgid) in response.content.decode()
    assert counts() == before


def test_a_missing_column_is_named(world, client):
    client.force_login(world.users["prov_admin"])
    header = [h for h in HEADER if h != "完成时限"]
    response = upload(client, xlsx(["7", 2024, "x", "", 1, "xining", ""], header=header))
    assert response.status_code == 400
    assert (
        zh("The header row has no column “%(name)s”.", name="完成时限") in response.content.decode()
    )


def test_too_many_rows_are_refused(world, client):
    before = counts()
    client.force_login(world.users["prov_admin"])
    rows = [row(**{"工作事项": f"事项{i}"}) for i in range(importers.MAX_ROWS + 1)]
    response = upload(client, xlsx(*rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        zh(
            "The file has more than %(max)s rows; split it into several files.",
            max=importers.MAX_ROWS,
        )
        in html
    )
    assert error_rows(html) == [str(importers.MAX_ROWS + 2)]
    assert counts() == before


@pytest.mark.parametrize("role", ["xining_admin", "leader", "xining_officer", "reviewer"])
def test_import_needs_manage_on_the_plan(world, client, role):
    before = counts()
    client.force_login(world.users[role])
    assert client.get("/work-items/import/").status_code == 403
    assert client.get("/work-items/import/template.xlsx").status_code == 403
    from plan.models import Plan

    plan = Plan.objects.get(code="qhsta-14th")
    response = client.post("/work-items/import/", {"plan": plan.pk, "file": xlsx(row())})
    assert response.status_code == 403
    assert counts() == before


def test_import_function_refuses_a_user_without_manage(world):
    before = counts()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        importers.import_work_items(
            user=world.users["xining_admin"], plan=world.plans["qh"], upload=xlsx(row())
        )
    assert counts() == before


def test_the_template_has_the_header_row_and_the_codes(world, client):
    before = counts()
    client.force_login(world.users["prov_admin"])
    response = client.get("/work-items/import/template.xlsx?plan=qhsta-14th")
    assert response.status_code == 200
    assert response["Content-Type"] == importers.XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    first = book.worksheets[0]
    assert [c.value for c in first[1]] == HEADER
    assert first.max_row == 1 or all(c.value is None for c in first[2])
    codes = {r[0] for r in book.worksheets[-1].iter_rows(min_row=2, values_only=True)}
    assert {"qhsta", "xining", "soc-agri"} <= codes and "gansu" not in codes
    tasks = {r[0] for r in book.worksheets[-2].iter_rows(min_row=2, values_only=True)}
    assert tasks == set(range(1, 32))

    # the template, filled in, imports
    first.append(row())
    out = io.BytesIO()
    book.save(out)
    filled = SimpleUploadedFile("filled.xlsx", out.getvalue())
    assert upload(client, filled).status_code == 302
    assert counts() == (before[0] + 1, before[1] + 3)


def test_a_title_row_above_the_header_is_allowed(world, client):
    client.force_login(world.users["prov_admin"])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["青海省科协2024年度重点工作任务分解表"])
    sheet.append(["牵头单位", *[h for h in HEADER if h != "牵头单位"]])  # columns in any order
    good = dict(zip(HEADER, row(), strict=True))
    bad = dict(zip(HEADER, row(**{"工作事项": "另一项工作", "权重": "x"}), strict=True))
    for cells in (good, bad):
        sheet.append([cells["牵头单位"], *[cells[h] for h in HEADER if h != "牵头单位"]])
    out = io.BytesIO()
    book.save(out)
    before = counts()
    response = upload(client, SimpleUploadedFile("t.xlsx", out.getvalue()))
    assert response.status_code == 400
    assert error_rows(response.content.decode()) == ["4"]  # the row number Excel shows
    assert counts() == before

    sheet.delete_rows(4)
    out = io.BytesIO()
    book.save(out)
    assert upload(client, SimpleUploadedFile("t.xlsx", out.getvalue())).status_code == 302
    assert counts() == (before[0] + 1, before[1] + 3)
