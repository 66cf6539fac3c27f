"""Plausibility of indicator values on the pages, in the services and in the register feeds:
impossible figures refused beside their field, unusual ones flagged to the officer and the
reviewer with the officer's explanation, register-fed values read-only, a stored figure beyond
the column's precision no longer taking the pages down."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from qhsta.api.services import token_issue
from tasks import services
from tasks.models import IndicatorRule, IndicatorValue, ProgressReport
from tasks.rollups.feeds import indicator_feed

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


def open_report(r) -> ProgressReport:
    return services.report_open(
        user=r.users["xining_officer"], assignment=r.xining, period=r.period
    )


def fields(r) -> tuple[str, str, str]:
    pk = r.rate.pk
    return f"ind_{pk}_num", f"ind_{pk}_den", f"ind_{pk}_why"


def approved_earlier_value(r, numerator, denominator) -> IndicatorValue:
    """Xining's approved value of the typed ratio in the quarter before."""
    return IndicatorValue.objects.create(
        indicator=r.rate,
        organization=r.xining.organization,
        period=r.earlier,
        numerator=Decimal(numerator),
        denominator=Decimal(denominator),
        value=Decimal(numerator) / Decimal(denominator) * 100,
        state="approved",
    )


def test_a_numerator_above_its_denominator_is_refused_beside_the_field(reporting):
    r = reporting
    report = open_report(r)
    num, den, _ = fields(r)
    response = client_for(r.users["xining_officer"]).post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "2000000", den: "1750000", "submit": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = html.split(f'id="id_{num}-error"')[1].split("</div>")[0]
    assert "分子（2000000）不能大于分母（1750000）" in error
    assert not IndicatorValue.objects.filter(indicator=r.rate).exists()
    assert ProgressReport.objects.get(pk=report.pk).state == "draft"  # not submitted


def test_the_services_refuse_what_the_form_refuses(reporting):
    r = reporting
    report = open_report(r)
    for figures, words in (
        ({"numerator": Decimal("2000000"), "denominator": Decimal("1750000")}, "分子"),
        ({"numerator": Decimal("99999999999999"), "denominator": Decimal("0.000001")}, "分子"),
        ({"numerator": Decimal("-1"), "denominator": Decimal("10")}, "负数"),
        ({"numerator": Decimal("1"), "denominator": Decimal("0")}, "分母"),
        ({"numerator": Decimal("1e15"), "denominator": Decimal("1e16")}, "整数部分不超过14位"),
    ):
        with pytest.raises(ValidationError) as info:
            services.report_save(
                user=r.users["xining_officer"],
                report=report,
                version=report.version,
                data=FORM,
                values=[services.ValueInput(r.rate, **figures)],
            )
        message = " ".join(info.value.message_dict[f"indicator_{r.rate.pk}"])
        assert r.rate.name in message and words in message, message
    assert not IndicatorValue.objects.filter(indicator=r.rate).exists()
    assert IndicatorValue.history.count() == 0


def test_a_configured_hard_range_refuses_and_the_unit_default_applies_without_one(reporting):
    r = reporting
    report = open_report(r)
    client = client_for(r.users["xining_officer"])
    num, den, _ = fields(r)
    IndicatorRule.objects.create(indicator=r.rate, maximum=Decimal(90))
    response = client.post(
        f"/reports/{report.pk}/edit/", {**FORM, "version": report.version, num: "95", den: "100"}
    )
    assert response.status_code == 400
    assert "95%不可能：数值应在0至90之间" in response.content.decode()
    IndicatorRule.objects.filter(indicator=r.rate).delete()
    ok = client.post(
        f"/reports/{report.pk}/edit/", {**FORM, "version": report.version, num: "95", den: "100"}
    )
    assert ok.status_code == 302
    assert IndicatorValue.objects.get(indicator=r.rate).value == Decimal("95")


def test_a_big_change_is_flagged_and_needs_an_explanation_the_reviewer_sees(reporting):
    r = reporting
    approved_earlier_value(r, 50, 100)
    report = open_report(r)
    officer = client_for(r.users["xining_officer"])
    num, den, why = fields(r)

    saved = officer.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "90", den: "100"},
        follow=True,
    )
    html = saved.content.decode()
    flag = "90较2025年第2季度的50变化80%（超过50%）"
    assert flag in html  # the officer's warning on save, and beside the field
    assert html.count(flag) >= 2 and "plausibility-flags" in html
    value = IndicatorValue.objects.get(indicator=r.rate, period=r.period)
    assert value.flags and value.flags[0]["code"] == "change"

    report.refresh_from_db()
    refused = officer.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "90", den: "100", "submit": "1"},
    )
    assert refused.status_code == 400
    error = refused.content.decode().split(f'id="id_{why}-error"')[1].split("</div>")[0]
    assert "请先填写说明再提交报告" in error and flag in error
    assert ProgressReport.objects.get(pk=report.pk).state == "draft"

    report.refresh_from_db()
    reason = "第三季度集中开展入户调查，样本完成率大幅提高。"
    submitted = officer.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "90", den: "100", why: reason, "submit": "1"},
    )
    assert submitted.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"

    reviewer = client_for(r.users["reviewer"])
    queue = reviewer.get("/review/").content.decode()
    row = queue.split(f'data-report="{report.pk}"')[1].split("</tr>")[0]
    assert "数值异常" in row and r.rate.name in row and flag in row and reason in row
    detail = reviewer.get(f"/reports/{report.pk}/").content.decode()
    assert flag in detail and reason in detail


def test_a_value_outside_the_configured_expected_range_is_flagged(reporting):
    r = reporting
    IndicatorRule.objects.create(
        indicator=r.rate, expected_min=Decimal(60), expected_max=Decimal(100)
    )
    report = open_report(r)
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data=FORM,
        values=[services.ValueInput(r.rate, numerator=Decimal(40), denominator=Decimal(100))],
    )
    with pytest.raises(ValidationError) as info:
        services.report_submit(
            user=r.users["xining_officer"], report=report, version=report.version
        )
    assert "40超出预期范围60–100" in info.value.message_dict[f"explanation_{r.rate.pk}"][0]
    # a value back in the range needs nothing
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data=FORM,
        values=[services.ValueInput(r.rate, numerator=Decimal(70), denominator=Decimal(100))],
    )
    assert IndicatorValue.objects.get(indicator=r.rate).flags == []
    report = services.report_submit(
        user=r.users["xining_officer"], report=report, version=report.version
    )
    assert report.state == "submitted"


def test_a_register_fed_value_is_shown_read_only_and_cannot_be_overwritten(reporting):
    r = reporting
    r.xining.indicators.add(r.literacy)
    fed = indicator_feed(
        indicator=r.literacy,
        organization=r.xining.organization,
        period=r.period,
        numerator=Decimal(1200),
        denominator=Decimal(10000),
        source="sciencepop.LiteracySurvey xining 2025",
    )
    report = open_report(r)
    officer = client_for(r.users["xining_officer"])
    page = officer.get(f"/reports/{report.pk}/edit/").content.decode()
    block = page.split(f'data-indicator="{r.literacy.code}"')[1].split("indicator-input")[0]
    assert "由科学素质调查登记自动汇入" in block and "12%" in block and "<input" not in block
    assert f'name="ind_{r.literacy.pk}_num"' not in page

    # a crafted post changes nothing; the service refuses it outright
    officer.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, f"ind_{r.literacy.pk}_num": "9999"},
    )
    fed.refresh_from_db()
    assert fed.numerator == Decimal(1200) and fed.report_id is None and fed.state == "approved"
    report.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        services.report_save(
            user=r.users["xining_officer"],
            report=report,
            version=report.version,
            data=FORM,
            values=[services.ValueInput(r.literacy, numerator=Decimal(1), denominator=Decimal(2))],
        )
    assert "由科学素质调查登记自动汇入" in info.value.messages[0]


def test_a_register_cannot_feed_an_impossible_figure(reporting):
    r = reporting
    with pytest.raises(ValidationError) as info:
        indicator_feed(
            indicator=r.literacy,
            organization=r.xining.organization,
            period=r.period,
            numerator=Decimal(2000000),
            denominator=Decimal(1750000),
            source="sciencepop.LiteracySurvey xining 2025",
        )
    assert "分子（2000000）不能大于分母（1750000）" in info.value.messages[0]
    assert not IndicatorValue.objects.filter(indicator=r.literacy).exists()


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite stores a number beyond the column"
)
def test_a_stored_figure_beyond_the_column_keeps_the_pages_open_and_can_be_corrected(reporting):
    r = reporting
    report = open_report(r)
    report = services.report_save(
        user=r.users["xining_officer"],
        report=report,
        version=report.version,
        data=FORM,
        values=[services.ValueInput(r.rate, numerator=Decimal(1), denominator=Decimal(2))],
    )
    value = IndicatorValue.objects.get(indicator=r.rate)
    with connection.cursor() as cursor:  # what the old code let SQLite keep
        cursor.execute(
            "UPDATE tasks_indicatorvalue SET value = 1e22, numerator = 99999999999999, "
            "denominator = 0.000001 WHERE id = %s",
            [value.pk],
        )
    officer = client_for(r.users["xining_officer"])
    assert officer.get(f"/reports/{report.pk}/").status_code == 200
    edit = officer.get(f"/reports/{report.pk}/edit/")
    assert edit.status_code == 200 and "99999999999999" in edit.content.decode()
    assert "分子（99999999999999）不能大于分母（0.000001）" in edit.content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=r.users['xining_officer'])[1]}")
    for url in ("/api/v1/indicator-values/", "/api/v1/progress-reports/"):
        assert api.get(url).status_code == 200, url
    assert api.get(f"/api/v1/indicator-values/{value.pk}/").status_code == 200

    num, den, _ = fields(r)
    fixed = officer.post(
        f"/reports/{report.pk}/edit/", {**FORM, "version": report.version, num: "1", den: "4"}
    )
    assert fixed.status_code == 302
    value.refresh_from_db()
    assert (value.value, value.numerator, value.denominator) == (
        Decimal(25),
        Decimal(1),
        Decimal(4),
    )


def test_plan_administrators_set_an_indicators_rules_and_they_apply(reporting):
    r = reporting
    plan = r.rate.plan
    admin = client_for(r.users["province_admin"])
    listing = admin.get(f"/rules/{plan.code}/").content.decode()
    row = listing.split(f'data-code="{r.rate.code}"')[1].split("</tr>")[0]
    assert "可能范围0–100" in row and "较上期变化不超过50%" in row
    literacy = listing.split(f'data-code="{r.literacy.code}"')[1].split("</tr>")[0]
    assert "由科学素质调查登记自动汇入" in literacy

    officer = client_for(r.users["xining_officer"])
    assert officer.get(f"/rules/indicator/{r.rate.pk}/").status_code in (403, 404)
    assert officer.post(f"/rules/indicator/{r.rate.pk}/", {"expected_min": "1"}).status_code in (
        403,
        404,
    )
    assert not IndicatorRule.objects.exists()

    wrong = admin.post(
        f"/rules/indicator/{r.rate.pk}/", {"expected_min": "80", "expected_max": "60"}
    )
    assert wrong.status_code == 400 and "不能低于下限" in wrong.content.decode()
    saved = admin.post(
        f"/rules/indicator/{r.rate.pk}/",
        {"expected_min": "60", "expected_max": "100", "max_change": "20"},
    )
    assert saved.status_code == 302
    rule = IndicatorRule.objects.get(indicator=r.rate)
    assert (rule.expected_min, rule.max_change, rule.maximum) == (Decimal(60), Decimal(20), None)

    report = open_report(r)
    num, den, _ = fields(r)
    page = officer.post(
        f"/reports/{report.pk}/edit/",
        {**FORM, "version": report.version, num: "40", den: "100"},
        follow=True,
    ).content.decode()
    assert "40超出预期范围60–100" in page
