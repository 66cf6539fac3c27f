"""Council lists from Excel: row-numbered errors and nothing saved from a bad file; a good file
adds and changes members and moves the plan indicator."""

import io
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from plan.models import Indicator
from societies.importers import COLUMNS
from societies.models import CouncilMember
from tasks.models import IndicatorRollup, ReportingPeriod

HEADER = list(COLUMNS.values())


def xlsx(rows, header=HEADER, title_rows=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in title_rows:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("council.xlsx", out.getvalue())


def upload(client, term, file):
    return client.post(f"/societies/terms/{term.pk}/import/", {"file": file})


def current_term(society):
    return society.terms.order_by("-number").first()


def test_a_bad_file_names_its_rows_and_saves_nothing(societies, login):
    client = login("society_officer")
    term = current_term(societies["soc-agri"])
    before = list(CouncilMember.objects.filter(term=term).values_list("pk", "category"))
    response = upload(
        client,
        term,
        xlsx(
            [
                ["甲新", "青海大学", "理事", "青年科技骨干", "", ""],
                ["", "青海大学", "理事", "其他", "", ""],
                ["乙新", "", "主任", "青年", "2020-01-01", ""],
                ["丙新", "", "理事", "其他", "2024-05-01", "2024-04-01"],
                ["甲新", "青海大学", "常务理事", "其他", "", ""],
                ["丁新", "", "理事", "其他", "明年", ""],
            ]
        ),
    )
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert errors == [
        (3, "姓名"),
        (4, "理事会职务"),
        (4, "人员类别"),
        (4, "任职日期"),
        (5, "离任日期"),
        (6, "姓名"),
        (7, "任职日期"),
    ]
    html = response.content.decode()
    assert "Nothing was saved" in html or "未保存" in html
    assert list(CouncilMember.objects.filter(term=term).values_list("pk", "category")) == before


def test_files_that_are_not_council_lists_are_refused(societies, login):
    client = login("society_officer")
    term = current_term(societies["soc-agri"])
    not_excel = upload(client, term, SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert not_excel.status_code == 400
    assert not_excel.context["errors"][0].row == 0
    no_header = upload(client, term, xlsx([["x"]], header=["名字", "单位"]))
    assert {e.column for e in no_header.context["errors"]} == {"姓名", "理事会职务", "人员类别"}
    empty = upload(client, term, xlsx([]))
    assert empty.status_code == 400


def test_a_good_file_adds_and_changes_members_and_moves_the_indicator(
    societies, plan14, login, django_capture_on_commit_callbacks
):
    client = login("society_officer")
    term = current_term(societies["soc-agri"])
    existing = CouncilMember.objects.filter(term=term, category="other").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client,
            term,
            xlsx(
                [
                    [existing.name, existing.employer, "理事", "基层一线科技工作者", None, None],
                    ["新成员甲", "海北州农技站", "理事", "基层一线", None, None],
                    ["新成员乙", "青海大学", "常务理事", "其他", "2025-03-01", None],
                ],
                title_rows=[["青海省农学会第八届理事会名单"]],
            ),
        )
    assert response.status_code == 302, response.context and response.context.get("errors")
    assert CouncilMember.objects.filter(term=term).count() == 47
    existing.refresh_from_db()
    assert existing.category == "grassroots"
    indicator = Indicator.objects.get(plan=plan14, code="society-council-share")
    period = ReportingPeriod.objects.get(plan=plan14, kind="year", year=2025)
    row = IndicatorRollup.objects.get(indicator=indicator, period=period, org_key=0)
    # 112/164 before: +1 changed to grassroots, +1 grassroots, +1 other
    assert (row.numerator, row.denominator) == (Decimal(114), Decimal(166))


def test_only_record_keepers_import(societies, login):
    term = current_term(societies["soc-agri"])
    assert login("leader").get(f"/societies/terms/{term.pk}/import/").status_code == 404
    medical = current_term(societies["soc-medical"])
    officer = login("society_officer")
    assert officer.get(f"/societies/terms/{medical.pk}/import/").status_code == 404
    template = officer.get("/societies/council-list-template.xlsx")
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == HEADER
