"""The Content-Security-Policy in Chromium: the browser refuses what the policy forbids and the
watch of conftest.py sees it (so any test with a violation fails); the pages that do the most in
script (Swagger UI at /api/docs/, the dashboard's chart tooltips) run under it without one."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_the_browser_refuses_inline_script_and_the_watch_reports_it(open_page):
    watch = open_page()
    page = watch.page
    log_in(watch, "leader")
    page.goto(watch.base_url + "/plan/")
    assert watch.csp_violations == []
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true";
          document.head.append(script);
          document.body.insertAdjacentHTML("beforeend", '<img src="x" onerror="window.__inlineRan = true">');
          document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
        }"""
    )
    page.wait_for_function("() => document.getElementById('styled') !== null")
    page.wait_for_timeout(300)  # the events are dispatched asynchronously
    assert page.evaluate("window.__inlineRan") is None  # neither the script nor the handler ran
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != (
        "rgb(255, 0, 0)"
    )
    directives = " ".join(watch.csp_violations)
    assert "script-src" in directives and "style-src" in directives
    watch.csp_violations.clear()  # seen; the test itself passes


def test_the_api_documentation_runs_under_the_policy(open_page):
    watch = open_page()
    page = watch.page
    log_in(watch, "leader")
    page.goto(watch.base_url + "/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20  # Swagger UI read the schema and drew it
    page.locator(".opblock-summary").first.click()  # an operation opens
    page.locator(".opblock-body").first.wait_for()
    watch.shot("60-api-docs")
    assert watch.console_errors == []
    assert watch.outside_requests == []


@pytest.fixture
def live_rolled(live_demo):
    from tests.dashboard.data import build_rolled

    build_rolled()
    return live_demo


def test_chart_tooltips_run_under_the_policy(open_page, live_rolled):
    watch = open_page()
    page = watch.page
    log_in(watch, "leader")
    page.goto(watch.base_url + "/dashboard/")
    chart = page.locator("[data-chart=chart-groups]")
    page.wait_for_function(
        "() => document.querySelector('[data-chart=chart-groups][data-drawn=true] svg path')"
    )
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tip = page.locator(".chart-tip-head").first
    tip.wait_for()
    assert tip.inner_text().strip()
    assert page.locator(".chart-tip-dot").count() >= 1
    watch.shot("61-chart-tooltip")
    assert watch.console_errors == []
    assert watch.outside_requests == []
