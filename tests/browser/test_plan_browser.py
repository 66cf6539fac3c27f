"""An official reads the plan in a real browser, on a desktop and on a phone, in both languages."""

import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser


def test_official_reads_the_plan_and_switches_to_english(open_page):
    watch = open_page()
    page = watch.page
    page.goto(watch.base_url + "/plan/")
    assert "/accounts/login/" in page.url  # anonymous users are sent to log in
    watch.shot("01-login")

    log_in(watch, "xining_officer")
    assert page.url.endswith("/plan/")
    assert page.locator("h1").inner_text() == "青海省科学技术协会事业发展“十四五”规划(2021-2025年)"
    assert page.locator(".key-task").count() == 31
    assert page.locator(".task-group").count() == 7
    assert page.get_by_role("heading", name="重点任务").first.is_visible()
    watch.shot("02-plan-zh")

    page.locator("#task-22 a").click()
    page.wait_for_url("**/tasks/22/")
    assert page.locator("h1").inner_text() == "22.实施科普阵地建设工程"
    watch.shot("03-task-22")

    page.select_option("#language-select", "en")
    with page.expect_navigation():
        page.get_by_role("button", name="切换").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Quantified indicators").is_visible()
    watch.shot("04-task-22-en")

    assert watch.console_errors == []
    assert watch.outside_requests == []


def test_plan_on_a_phone_with_the_keyboard(open_page):
    watch = open_page(viewport={"width": 390, "height": 844})
    page = watch.page
    log_in(watch, "haixi_officer")
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # the first Tab reaches the skip link, and it moves focus to the main content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # the menu opens from its toggle button on a narrow screen
    page.get_by_role("button", name="展开或收起导航").click()
    page.get_by_role("link", name="规划", exact=True).wait_for(state="visible")
    watch.shot("05-plan-phone", full_page=False)
    assert watch.console_errors == []
    assert watch.outside_requests == []
