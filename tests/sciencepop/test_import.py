"""Excel imports of survey tables and venue lists: row-numbered errors, nothing saved from a bad
file, the indicator moved by a good one."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qhsta.sheets import ImportRejected
from sciencepop import importers
from sciencepop.models import LiteracySurvey, Venue
from tasks.models import IndicatorRollup
from tasks.rollups.feeds import feed_period


def sheet(rows, title_row=False) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    ws = book.active
    if title_row:
        ws.append(["2025年公民科学素质调查结果汇总表"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("s.xlsx", out.getvalue())


SURVEY_HEADER = list(importers.SURVEY_SHEET.columns.values())
VENUE_HEADER = list(importers.VENUE_SHEET.columns.values())


def test_a_good_survey_table_is_saved_and_moves_the_indicator(
    sp, django_capture_on_commit_callbacks
):
    upload = sheet(
        [
            SURVEY_HEADER,
            ["西宁市科学技术协会", 2025, 1000, 120, None, 2000000, "2025年调查"],
            ["haixi", "2025年", None, None, "6%", "300,000", ""],
        ],
        title_row=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = importers.import_surveys(user=sp.users["province_admin"], upload=upload)
    assert (result.created, result.updated) == (2, 0)
    row = IndicatorRollup.objects.get(
        indicator=sp.literacy, period=feed_period(sp.plan, 2025), org_key=0
    )
    assert (row.numerator, row.denominator) == (258000, 2300000)
    again = importers.import_surveys(
        user=sp.users["province_admin"],
        upload=sheet([SURVEY_HEADER, ["haixi", 2025, None, None, 6, 300000, ""]]),
    )
    assert again.unchanged == 1


def test_a_bad_survey_table_names_its_rows_and_saves_nothing(sp):
    upload = sheet(
        [
            SURVEY_HEADER,
            ["xining", 2025, 1000, 120, None, 2000000, ""],  # fine, but not saved
            ["haixi", 2025, 100, 150, None, 1000, ""],  # more literate than surveyed
            ["西宁市科学技术协会", 2025, None, None, 9, 1000, ""],  # the same as row 2
            ["xining-datong", 2025, None, None, 9, 1000, ""],  # not a prefecture
            ["nowhere", "二〇二五", None, None, None, "", ""],
        ]
    )
    with pytest.raises(ImportRejected) as exc:
        importers.import_surveys(user=sp.users["province_admin"], upload=upload)
    errors = {(e.row, e.column) for e in exc.value.errors}
    assert (3, "具备科学素质人数") in errors
    assert (4, "调查年度") in errors
    assert (5, "市(州)") in errors
    assert (6, "代表人口(人)") in errors
    assert not LiteracySurvey.objects.exists()


def test_an_officer_imports_only_for_their_prefecture(sp):
    upload = sheet([SURVEY_HEADER, ["haixi", 2025, None, None, 6, 300000, ""]])
    with pytest.raises(ImportRejected) as exc:
        importers.import_surveys(user=sp.users["xining_officer"], upload=upload)
    # outside the officer's scope: not even its existence is confirmed
    assert exc.value.errors[0].row == 2 and "haixi" in exc.value.errors[0].message
    assert not LiteracySurvey.objects.exists()


def test_missing_columns_and_foreign_files_are_refused(sp):
    with pytest.raises(ImportRejected) as exc:
        importers.import_surveys(
            user=sp.users["province_admin"], upload=sheet([["市(州)", "年度"], ["xining", 2025]])
        )
    assert {e.column for e in exc.value.errors} >= {"调查年度", "代表人口(人)"}
    with pytest.raises(ImportRejected):
        importers.import_surveys(
            user=sp.users["province_admin"], upload=SimpleUploadedFile("a.xlsx", b"not excel")
        )


def test_the_row_limit(sp):
    rows = [SURVEY_HEADER] + [["xining", 2000 + i, None, None, 5, 10, ""] for i in range(201)]
    with pytest.raises(ImportRejected) as exc:
        importers.import_surveys(user=sp.users["province_admin"], upload=sheet(rows))
    assert "200" in exc.value.errors[0].message


def test_venue_lists_import_through_the_page(sp, login):
    client = login("xining_officer")
    good = sheet(
        [
            VENUE_HEADER,
            ["xining-datong", "大通县科技馆", "科技馆", "开放", "2021-09-18", 4200, "", ""],
            ["湟中区科学技术协会", "湟中区科技馆", "科技馆", "在建", None, None, "", ""],
        ]
    )
    response = client.post("/sciencepop/venues/import/", {"file": good})
    assert response.status_code == 302
    assert Venue.objects.count() == 2
    bad = sheet(
        [
            VENUE_HEADER,
            ["xining-datong", "大通县流动科技馆", "流动科技馆", "开放", None, None, "", ""],
            ["haixi-golmud", "格尔木市科技馆", "展馆", "", None, None, "", ""],
        ]
    )
    response = client.post("/sciencepop/venues/import/", {"file": bad})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-row="2"' in html and 'data-row="3"' in html
    assert Venue.objects.count() == 2
    template = client.get("/sciencepop/venues/import/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in book.worksheets[0][1]] == VENUE_HEADER
    assert login("leader").get("/sciencepop/venues/import/").status_code == 403
