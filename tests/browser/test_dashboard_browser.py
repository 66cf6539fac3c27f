"""Leadership opens the dashboard in Chromium: the charts draw from the portal's own ECharts with
data, nothing is fetched from outside, a group drills down to a report, the page switches to
English, and a phone does not scroll sideways."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_rolled(live_demo):
    """The dashboard tests' data (tests/dashboard/data.py), committed for the live server."""
    from tests.dashboard.data import build_rolled

    build_rolled()
    return live_demo


def charts_drawn(page) -> None:
    """Every chart on the page is drawn (an SVG with shapes in it)."""
    total = page.locator("[data-chart]").count()
    assert total > 0
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart][data-drawn=true] svg path').length > 0"
        " && document.querySelectorAll('[data-chart][data-drawn=true]').length === n",
        arg=total,
    )


def test_leadership_dashboard_drill_down_and_english(open_page, live_rolled):
    watch = open_page()
    page = watch.page
    log_in(watch, "leader")
    page.goto(watch.base_url + "/dashboard/")
    assert page.locator("#task-grid li").count() == 31
    charts_drawn(page)
    # the charts hold data: bars for the seven groups, the literacy path from 5.95 to 10
    assert page.locator("[data-chart=chart-groups] svg path").count() > 7
    assert page.locator("#table-groups tbody tr").count() == 7
    literacy = page.locator(".dash-path-table[data-code=science-literacy-rate]")
    assert "5.95" in literacy.locator("tr[data-year='2020']").inner_text()
    assert "10" in literacy.locator("tr[data-year='2025']").inner_text()
    watch.shot("30-dashboard")

    # an earlier period, as it was
    page.select_option("#dash-period", label="2024年第4季度")
    with page.expect_navigation():
        page.locator(".dash-period-form button[type=submit]").click()
    charts_drawn(page)
    assert "8.42" in literacy.locator("tr[data-year='2024']").inner_text()
    watch.shot("31-dashboard-2024-q4")

    # drill down: group → task → work item → the report and its evidence
    group = page.locator("#table-groups tr[data-status=completed] a").first
    with page.expect_navigation():
        group.click()
    assert "/dashboard/groups/" in page.url
    charts_drawn(page)
    watch.shot("32-group")
    with page.expect_navigation():
        page.locator("#table-tasks tr[data-status=completed] a").first.click()
    assert "/dashboard/tasks/" in page.url
    watch.shot("33-task")
    with page.expect_navigation():
        page.locator("#table-work-items tr.dash-row a").first.click()
    assert "/dashboard/work-items/" in page.url
    charts_drawn(page)
    watch.shot("34-work-item")
    with page.expect_navigation():
        page.locator("a.dash-report-link").first.click()
    assert "/reports/" in page.url
    assert page.locator("h1").is_visible()
    watch.shot("35-report")

    # the evaluation report of the whole plan, printable
    page.goto(watch.base_url + "/dashboard/evaluation/?whole=1")
    assert page.locator(".eval-task").count() == 31
    assert "规划实施情况检查评估" in page.locator(".eval-kicker").inner_text()
    watch.shot("39-evaluation")

    # back on the dashboard, in English
    page.goto(watch.base_url + "/dashboard/")
    page.select_option("#language-select", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="切换").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Task groups").is_visible()
    charts_drawn(page)
    watch.shot("36-dashboard-en")

    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_dashboard_on_a_phone(open_page, live_rolled):
    watch = open_page(viewport={"width": 390, "height": 844})
    page = watch.page
    log_in(watch, "leader")
    for path in ("/dashboard/", "/dashboard/orgs/xining/", "/dashboard/evaluation/"):
        page.goto(watch.base_url + path)
        if page.locator("[data-chart]").count():
            charts_drawn(page)
        wide = page.evaluate(
            "Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
            " && !e.closest('.table-responsive, .eval-table, svg'))"
            ".map(e => e.tagName + '.' + e.className + ':' + e.getBoundingClientRect().right)"
            ".slice(0, 5).concat([document.documentElement.scrollWidth])"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
            path,
            wide,
        )
    page.goto(watch.base_url + "/dashboard/")
    charts_drawn(page)
    watch.shot("37-dashboard-phone")
    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_a_prefecture_officer_sees_its_own_dashboard(open_page, live_rolled):
    watch = open_page()
    page = watch.page
    log_in(watch, "xining_officer")
    page.goto(watch.base_url + "/dashboard/")
    charts_drawn(page)
    assert page.locator("h1").inner_text() == "西宁市科学技术协会"
    body = page.locator("body").inner_text()
    assert "海西" not in body and "海东" not in body
    watch.shot("38-dashboard-xining")
    assert watch.console_errors == []
    assert watch.outside_requests == []
