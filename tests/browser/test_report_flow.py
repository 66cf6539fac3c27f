"""An officer reports with evidence, a reviewer returns it, the officer corrects it, it is approved."""

import re

import pytest

from tasks.models import Evidence, ProgressReport

from .conftest import log_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"0" * 1000


def test_report_return_correct_approve(open_page, live_reporting, tmp_path):
    r = live_reporting
    evidence_file = tmp_path / "西宁市科学素质调查报告.pdf"
    evidence_file.write_bytes(PDF)

    officer = open_page()
    page = officer.page
    log_in(officer, "xining_officer")
    page.goto(officer.base_url + "/work/")
    row = page.locator(".work-row", has_text="2025年第3季度").first
    assert "开展2025年公民科学素质抽样调查" in row.inner_text()
    officer.shot("10-my-work")
    with page.expect_navigation():
        row.get_by_role("button", name="填写报告").click()

    # fill in the report; the draft saves by itself before the upload reloads the page
    page.get_by_label("完成百分比").fill("60")
    page.get_by_label("进展情况").select_option("on_track")
    page.get_by_label("工作进展").fill("完成西宁市四个区县的抽样调查。")
    page.get_by_label("下一步计划").fill("汇总调查数据。")
    # the literacy figure comes from the survey register: never typed (tasks.plausibility)
    assert page.get_by_label("公民具备科学素质的比例:分子").count() == 0
    page.get_by_label("工作进展").click()
    page.locator("#autosave-status", has_text="草稿已于").wait_for()
    page.set_input_files("#id_evidence", str(evidence_file))
    with page.expect_navigation():
        page.get_by_role("button", name="上传").click()
    assert page.locator(".evidence", has_text="西宁市科学素质调查报告.pdf").is_visible()
    assert page.get_by_label("工作进展").input_value() == "完成西宁市四个区县的抽样调查。"
    officer.shot("11-report-draft-with-evidence")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    assert page.locator(".state-submitted").first.is_visible()
    officer.shot("12-report-submitted")

    reviewer = open_page()
    rpage = reviewer.page
    log_in(reviewer, "reviewer")
    rpage.goto(reviewer.base_url + "/review/")
    reviewer.shot("13-review-queue")
    with rpage.expect_navigation():
        rpage.locator(".queued-report a").first.click()
    rpage.get_by_label("意见(退回时必填)").fill("请补充调查样本量和抽样方法。")
    with rpage.expect_navigation():
        rpage.get_by_role("button", name="退回").click()
    reviewer.shot("14-returned")

    page.goto(officer.base_url + "/work/")
    returned = page.locator("#work-returned .work-row").first
    assert "请补充调查样本量和抽样方法。" in returned.inner_text()
    officer.shot("15-my-work-returned")
    with page.expect_navigation():
        returned.get_by_role("link", name="继续填报").click()
    assert "请补充调查样本量和抽样方法。" in page.locator(".review-comment").inner_text()
    page.get_by_label("工作进展").fill("完成西宁市四个区县的抽样调查,样本量50000人,分层随机抽样。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    officer.shot("16-resubmitted")

    rpage.goto(reviewer.base_url + "/review/")
    with rpage.expect_navigation():
        rpage.locator(".queued-report a").first.click()
    assert "样本量50000人" in rpage.locator(".narrative").first.inner_text()
    with rpage.expect_navigation():
        rpage.get_by_role("button", name="批准").click()

    report = ProgressReport.objects.get(assignment=r.xining, period=r.period)
    assert report.state == "approved"
    page.goto(officer.base_url + f"/reports/{report.pk}/")
    history = page.locator("#history").inner_text()
    for state in ("已提交", "已退回", "已批准"):
        assert state in history
    assert len(re.findall("已提交", history)) >= 2
    evidence = Evidence.objects.get(report=report)
    assert evidence.sha256 in page.content()
    officer.shot("17-approved-with-history")

    assert officer.console_errors == [] and reviewer.console_errors == []
    assert officer.outside_requests == [] and reviewer.outside_requests == []


def test_an_officer_reports_from_a_phone(open_page, live_reporting):
    r = live_reporting
    watch = open_page(viewport={"width": 390, "height": 844})
    page = watch.page
    log_in(watch, "xining_officer")
    for path in ("/work/", "/work-items/", "/plan/", "/orgs/"):
        page.goto(watch.base_url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.goto(watch.base_url + "/work/")
    row = page.locator(".work-row", has_text="2025年第2季度").first
    with page.expect_navigation():
        row.get_by_role("button", name="填写报告").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.get_by_label("本期无进展可报").check()
    watch.shot("18-report-on-a-phone", full_page=False)
    with page.expect_navigation():
        page.get_by_role("button", name="提交审核").click()
    report = ProgressReport.objects.get(assignment=r.xining, period=r.earlier)
    assert report.state == "submitted" and report.nothing_to_report
    assert watch.console_errors == [] and watch.outside_requests == []
