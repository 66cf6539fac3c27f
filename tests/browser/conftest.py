"""Playwright driving Debian's Chromium headless against the live test server."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"{CHROMIUM} is missing: `make system-deps` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    """The plan and demo data, committed so the live server's thread sees them."""
    call_command("load_orgs", verbosity=0)
    call_command("load_plan", verbosity=0)
    call_command("load_demo", verbosity=0)
    return live_server


@pytest.fixture
def live_reporting(live_demo):
    """The reporting world of tests/reporting.py, committed for the live server."""
    from plan.models import Plan
    from tests.reporting import build_reporting

    return build_reporting(Plan.objects.get(code="qhsta-14th"))


# Every document reports what its Content-Security-Policy refused, before any page script runs.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
    + (e.sample ? ` (${e.sample})` : "")
  );
});
"""


class PageWatch:
    """Records console errors, any request that tries to leave the server, and every violation of
    the Content-Security-Policy (the securitypolicyviolation events and Chromium's console
    reports of them); a test with a violation fails (pytest_runtest_call below)."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.console_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.csp_violations: list[str] = []
        page.on("console", self._console)
        page.expose_function("__cspViolation", lambda text: self.csp_violations.append(text))
        page.add_init_script(CSP_LISTENER)
        page.route("**/*", self._route)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base_url) or url.startswith("data:"):
            route.continue_()
        else:
            self.outside_requests.append(url)
            route.abort()

    def shot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def open_page(request, browser, live_demo):
    contexts = []
    request.node.page_watches = []

    def _open(viewport=None, locale="zh-CN"):
        context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, locale=locale
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        watch = PageWatch(page, live_demo.url)
        request.node.page_watches.append(watch)
        return watch

    yield _open
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test fails on any violation of the Content-Security-Policy its pages reported."""
    result = yield
    violations = [v for watch in getattr(item, "page_watches", []) for v in watch.csp_violations]
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
    return result


def log_in(watch: PageWatch, username: str, password: str = "qhsta-demo-2026") -> None:
    page = watch.page
    page.goto(watch.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
