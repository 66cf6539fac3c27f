"""The officer's and reviewer's pages: my work, writing a report, conflicts, evidence, review."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tasks import services
from tasks.models import Evidence, ProgressReport

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 2000
FORM = {
    "percent_complete": "45",
    "progress_status": "on_track",
    "narrative": "已完成西宁市城东区、城中区的抽样调查。",
    "problems": "",
    "next_steps": "开展湟中区调查。",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_report(r, user="xining_officer", assignment=None) -> ProgressReport:
    return services.report_open(
        user=r.users[user], assignment=assignment or r.xining, period=r.period
    )


def test_my_work_lists_what_is_due_overdue_and_returned(reporting, time_machine):
    r = reporting
    time_machine.move_to("2025-10-10 10:00+08:00")  # Q3 2025's deadline, 2025-10-15, is 5 days away
    html = client_for(r.users["xining_officer"]).get("/work/").content.decode()
    assert 'id="work-due"' in html and "开展2025年公民科学素质抽样调查" in html
    assert 'id="work-overdue"' in html  # Q1 and Q2 2025 have passed without reports
    haixi = client_for(r.users["haixi_officer"]).get("/work/").content.decode()
    assert "西宁市科学技术协会" not in haixi and "海西蒙古族藏族自治州科学技术协会" in haixi


def test_writing_a_report_keeps_what_was_typed_when_a_field_is_wrong(reporting):
    r = reporting
    report = open_report(r)
    client = client_for(r.users["xining_officer"])
    response = client.post(
        f"/reports/{report.pk}/edit/",
        {
            **FORM,
            "percent_complete": "abc",
            "version": report.version,
            f"ind_{r.rate.pk}_num": "10",
            f"ind_{r.rate.pk}_den": "0",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_percent_complete-error"' in html
    assert FORM["narrative"] in html and FORM["next_steps"] in html
    assert ProgressReport.objects.get(pk=report.pk).narrative == ""

    response = client.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "progress_status": "delayed", "version": report.version, "submit": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_problems-error"' in html  # a delayed item needs its problems
    assert ProgressReport.objects.get(pk=report.pk).state == "draft"
    assert (
        ProgressReport.objects.get(pk=report.pk).narrative == FORM["narrative"]
    )  # the draft part is kept


def test_autosave_answers_with_the_new_version(reporting):
    r = reporting
    report = open_report(r)
    client = client_for(r.users["xining_officer"])
    response = client.post(
        f"/reports/{report.pk}/edit/", {**FORM, "version": report.version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "草稿已于" in html
        and f'value="{report.version + 1}"' in html
        and 'hx-swap-oob="true"' in html
    )
    assert ProgressReport.objects.get(pk=report.pk).narrative == FORM["narrative"]


def test_two_people_editing_the_same_report(reporting):
    r = reporting
    report = open_report(r)
    a = client_for(r.users["xining_officer"])
    b = client_for(r.users["province_admin"])
    version = report.version
    assert a.get(f"/reports/{report.pk}/edit/").status_code == 200
    assert b.get(f"/reports/{report.pk}/edit/").status_code == 200
    assert a.post(f"/reports/{report.pk}/edit/", {**FORM, "version": version}).status_code == 302
    response = b.post(
        f"/reports/{report.pk}/edit/", {**FORM, "narrative": "管理员的版本", "version": version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "西宁市科协干部" in html  # who changed it
    assert FORM["narrative"] in html and "管理员的版本" in html  # both versions on the page
    assert ProgressReport.objects.get(pk=report.pk).narrative == FORM["narrative"]


def test_submit_review_return_and_approve_through_the_pages(reporting):
    r = reporting
    report = open_report(r)
    officer = client_for(r.users["xining_officer"])
    response = officer.post(
        f"/reports/{report.pk}/edit/", {**FORM, "version": report.version, "submit": "1"}
    )
    assert response.status_code == 302
    reviewer = client_for(r.users["reviewer"])
    queue = reviewer.get("/review/").content.decode()
    assert f'data-report="{report.pk}"' in queue
    report.refresh_from_db()
    reviewer.post(
        f"/reports/{report.pk}/review/",
        {"decision": "return", "review_comment": "", "version": report.version},
    )
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"  # a return needs a comment
    reviewer.post(
        f"/reports/{report.pk}/review/",
        {"decision": "return", "review_comment": "请补充样本量。", "version": report.version},
    )
    assert ProgressReport.objects.get(pk=report.pk).state == "returned"
    work = officer.get("/work/").content.decode()
    assert "请补充样本量。" in work and 'id="work-returned"' in work
    report.refresh_from_db()
    officer.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "narrative": "样本量为5万人。", "version": report.version, "submit": "1"},
    )
    report.refresh_from_db()
    assert report.state == "submitted"
    response = reviewer.post("/review/approve/", {"report": [report.pk]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "approved"
    page = officer.get(f"/reports/{report.pk}/").content.decode()
    assert page.count('class="history-entry"') >= 5
    for label in ("已提交", "已退回", "已批准"):
        assert label in page


def test_leadership_reads_reports_but_changes_nothing(reporting):
    r = reporting
    report = open_report(r)
    leader = client_for(r.users["leader"])
    assert leader.get(f"/reports/{report.pk}/").status_code == 200
    assert (
        leader.get(f"/reports/{report.pk}/edit/").status_code == 302
    )  # sent to the read-only page
    assert (
        leader.post(f"/reports/{report.pk}/edit/", {**FORM, "version": report.version}).status_code
        == 403
    )
    assert (
        leader.post(
            f"/reports/{report.pk}/review/", {"decision": "approve", "version": 1}
        ).status_code
        == 403
    )
    assert ProgressReport.objects.get(pk=report.pk).narrative == ""


def test_reports_of_another_prefecture_are_not_there(reporting):
    r = reporting
    report = open_report(r)
    haixi = client_for(r.users["haixi_officer"])
    for url in (f"/reports/{report.pk}/", f"/reports/{report.pk}/edit/"):
        assert haixi.get(url).status_code == 404
    assert haixi.post(f"/reports/{report.pk}/edit/", {**FORM, "version": 1}).status_code == 404
    assert (
        haixi.post(f"/assignments/{r.xining.pk}/periods/{r.period.pk}/report/").status_code == 404
    )


def upload(client, report, name, content, content_type="application/pdf"):
    return client.post(
        f"/reports/{report.pk}/evidence/",
        {"evidence": SimpleUploadedFile(name, content, content_type)},
    )


def test_evidence_is_checked_by_content_stored_privately_and_served_in_scope(reporting, settings):
    r = reporting
    report = open_report(r)
    officer = client_for(r.users["xining_officer"])
    upload(officer, report, "../../etc/调查报告.pdf", PDF)
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == "调查报告.pdf"
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = evidence.file.path
    assert (
        stored.startswith(str(settings.MEDIA_ROOT)) and ".." not in stored and "调查" not in stored
    )
    assert not stored.startswith(str(settings.STATIC_ROOT))
    page = officer.get(f"/reports/{report.pk}/edit/").content.decode()
    assert evidence.sha256 in page

    response = officer.get(f"/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(r.users["leader"]).get(f"/evidence/{evidence.pk}/").status_code == 200
    assert client_for(r.users["haixi_officer"]).get(f"/evidence/{evidence.pk}/").status_code == 404
    assert Client().get(f"/evidence/{evidence.pk}/").status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("report.pdf", b"#!/bin/sh\nrm -rf /\n" * 50, "disguised"),
        ("page.html", b"<html><script>alert(1)</script></html>", "html"),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500, "executable"),
    ],
)
def test_disguised_or_unwanted_files_are_refused(reporting, name, content, why):
    r = reporting
    report = open_report(r)
    officer = client_for(r.users["xining_officer"])
    response = upload(officer, report, name, content)
    assert response.status_code == 302
    assert not Evidence.objects.filter(report=report).exists(), why
    page = officer.get(response["Location"]).content.decode()
    assert "只接受" in page  # the message says what is accepted


def test_a_too_large_file_is_refused(reporting, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    r = reporting
    report = open_report(r)
    upload(client_for(r.users["xining_officer"]), report, "big.pdf", PDF)
    assert not Evidence.objects.filter(report=report).exists()


def test_approved_evidence_stays_as_it_was(reporting):
    r = reporting
    report = open_report(r)
    officer = client_for(r.users["xining_officer"])
    upload(officer, report, "a.pdf", PDF)
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data={
            "percent_complete": 50,
            "progress_status": "on_track",
            "narrative": "进展",
            "problems": "",
            "next_steps": "",
        },
    )
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    report = services.report_approve(user=r.users["reviewer"], report=report)
    ev = Evidence.objects.get(report=report)
    assert officer.post(f"/evidence/{ev.pk}/delete/").status_code == 302
    assert Evidence.objects.filter(pk=ev.pk).exists()  # a locked report keeps its files
    assert upload(officer, report, "b.pdf", PDF).status_code == 302
    assert Evidence.objects.filter(report=report).count() == 1
    with ev.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == ev.sha256


def test_indicator_value_changes_are_kept_and_shown(reporting):
    r = reporting
    report = open_report(r)
    client = client_for(r.users["xining_officer"])
    num, den = f"ind_{r.rate.pk}_num", f"ind_{r.rate.pk}_den"
    client.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "5200", den: "50000"},
    )
    report.refresh_from_db()
    client.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "5300", den: "50000"},
    )
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="value-history"' in page
    section = page.split('id="value-history"')[1]
    assert "分子" in section and "5200" in section and "5300" in section
    assert "西宁市科协干部" in section


def test_the_review_queue_costs_the_same_queries_for_one_report_or_many(reporting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    r = reporting
    reviewer = client_for(r.users["reviewer"])

    def submit(assignment, period, user):
        report = services.report_open(user=r.users[user], assignment=assignment, period=period)
        report = services.report_save(
            user=r.users[user],
            report=report,
            version=report.version,
            data={"nothing_to_report": True},
        )
        services.report_submit(user=r.users[user], report=report, version=report.version)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert reviewer.get("/review/").status_code == 200
        return len(ctx.captured_queries)

    submit(r.xining, r.period, "xining_officer")
    one = queries()
    submit(r.haixi, r.period, "haixi_officer")
    submit(r.xining, r.earlier, "xining_officer")
    submit(r.haixi, r.earlier, "haixi_officer")
    assert queries() == one


def test_saving_a_report_that_was_submitted_meanwhile_says_why(reporting):
    r = reporting
    report = open_report(r)
    client = client_for(r.users["xining_officer"])
    version = report.version
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=version,
        data={"nothing_to_report": True},
    )
    services.report_submit(user=r.users["xining_officer"], report=report, version=report.version)
    response = client.post(f"/reports/{report.pk}/edit/", {**FORM, "version": version})
    assert response.status_code == 400
    assert "该报告已不能修改" in response.content.decode()
    assert FORM["narrative"] in response.content.decode()  # what was typed is still on the page
