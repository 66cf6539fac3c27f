"""Content-Security-Policy (issue 19, item 10): a crawl of the portal as the people who use it
(anonymous, a provincial administrator, a prefecture officer, the installation's superuser in the
Django admin) finds the policy on every HTML page and nothing on any page that the policy would
refuse: no inline script, no on* attribute, no javascript: link, no <style> element and no style
attribute (the DRF browsable API alone may carry DRF's style attributes, and its policy says so).
Chart figures travel in <script type="application/json"> data blocks, which a browser never runs.
tests/browser runs the pages in Chromium and fails on any violation the browser reports."""

import os
import re
import subprocess
import sys
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

DATA_TYPES = {"application/json", "application/ld+json"}  # data blocks, never run
SKIP = ("/static/", "/media/", "/accounts/logout/", "/i18n/")
PER_PATTERN = 1  # pages of one shape (ids and query values aside) fetched at most
MAX_PAGES = 400


def policy_of(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


class PageCheck(HTMLParser):
    """Collects links and whatever the policy would refuse."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> (an inline event handler)")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}> (an inline style)")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}> (a javascript: URL)")
        if tag == "script":
            kind = (attrs.get("type") or "").strip().lower()
            if not attrs.get("src") and kind not in DATA_TYPES:
                self._in_script = True
                self.problems.append("<script> without src (an inline script)")
        if tag == "style":
            self.problems.append("<style> element (an inline style sheet)")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def shape(url: str) -> str:
    """A page's shape: its path with numbers as N and the names of its query parameters."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def crawl(client: Client, starts: list[str]) -> dict[str, list[str]]:
    """Fetch every same-site page reachable from `starts` (at most PER_PATTERN of each shape) as a
    browser asks for them; return the problems of each HTML page (none: an empty list)."""
    seen_shapes: Counter = Counter()
    queue = deque(starts)
    visited: set[str] = set()
    pages: dict[str, list[str]] = {}
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        response = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        problems = []
        policy = policy_of(response)
        if not policy:
            problems.append("no Content-Security-Policy header")
        for directive in ("script-src", "style-src", "default-src"):
            sources = policy.get(directive, [])
            if "'self'" not in sources or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(sources):
                problems.append(f"{directive} {' '.join(sources)!r}")
        if policy.get("object-src") != ["'none'"] or policy.get("frame-ancestors") != ["'none'"]:
            problems.append("object-src or frame-ancestors is not 'none'")
        check = PageCheck()
        check.feed(response.content.decode("utf-8", "replace"))
        problems += check.problems
        if url.startswith("/api/v1/"):  # DRF's own templates: style attributes, declared so
            allowed = policy.get("style-src-attr") == ["'unsafe-inline'"]
            problems = [p for p in problems if not (allowed and "(an inline style)" in p)]
        pages[url] = problems
        for href in check.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, or a relative link the portal does not use
            if parts.path.startswith(SKIP) or href in visited:
                continue
            if seen_shapes[shape(href)] >= PER_PATTERN:
                continue
            seen_shapes[shape(href)] += 1
            queue.append(href)
    return pages


@pytest.fixture
def portal(demo):
    """The demo with its reports and every 2024–2025 quarter's figures."""
    from tests.dashboard.data import build_rolled

    build_rolled()


def client_for(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def assert_clean(pages: dict[str, list[str]], at_least: int):
    assert len(pages) >= at_least, sorted(pages)
    bad = {url: problems for url, problems in pages.items() if problems}
    assert bad == {}


def test_every_page_of_a_crawl_has_the_policy_and_nothing_inline(portal):
    assert_clean(crawl(client_for(None), ["/", "/accounts/login/", "/no-such-page/"]), 2)
    starts = [
        "/",
        "/plan/",
        "/dashboard/",
        "/dashboard/evaluation/?whole=1",
        "/api/docs/",
        "/api/v1/",
        "/api/v1/work-items/",
        "/api/v1/rollups/?level=key_task",
        "/admin/",
        "/no-such-page/",
    ]
    pages = crawl(client_for("province_admin"), starts)  # the demo's superuser too
    assert_clean(pages, 150)
    # the crawl reached the charts, the API's HTML view, the admin and its history pages
    for part in ("/dashboard/tasks/", "/api/v1/work-items/", "/admin/orgs/", "/history/"):
        assert any(part in url for url in pages), part
    assert_clean(crawl(client_for("xining_officer"), ["/", "/work/", "/review/"]), 20)


def test_the_report_editor_and_error_pages_have_the_policy(reporting):
    from tasks import services

    report = services.report_open(
        user=reporting.users["xining_officer"], assignment=reporting.xining, period=reporting.period
    )
    officer = client_for(None)
    officer.force_login(reporting.users["xining_officer"])
    pages = crawl(officer, [f"/reports/{report.pk}/edit/"])
    assert f"/reports/{report.pk}/edit/" in pages
    assert_clean(pages, 1)
    html = officer.get(f"/reports/{report.pk}/edit/").content.decode()
    assert "includeIndicatorStyles" in html  # htmx adds no <style> of its own
    haixi = client_for(None)
    haixi.force_login(reporting.users["haixi_officer"])
    denied = haixi.get(f"/reports/{report.pk}/edit/")
    assert denied.status_code in (403, 404)
    assert policy_of(denied).get("script-src") == ["'self'"]


def test_evidence_downloads_keep_their_own_stricter_policy(reporting):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tasks import services

    officer = reporting.users["xining_officer"]
    report = services.report_open(
        user=officer, assignment=reporting.xining, period=reporting.period
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evidence = services.evidence_add(
        user=officer, report=report, upload=SimpleUploadedFile("a.pdf", pdf, "application/pdf")
    )
    response = client_for("xining_officer").get(f"/evidence/{evidence.pk}/")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_production_sends_the_same_policy():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="qhsta.settings.production",
        SECRET_KEY="k" * 20 + "Zx9-" + "q" * 40,
        ALLOWED_HOSTS="portal.example",
        CACHE_URL="redis://127.0.0.1:6379/14",  # production requires the shared cache
    )
    code = (
        "from django.conf import settings; "
        "print('csp.middleware.CSPMiddleware' in settings.MIDDLEWARE); "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.splitlines()[-2:] == ["True", "[\"'self'\"]"], result.stderr
