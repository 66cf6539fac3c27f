"""Load test of the portal: the officer's flow, the leadership's flow and the API.

Run by `make load` (load/run.py): headless, bounded in users and time, over loopback, against a
gunicorn on the national-scale data. Not a pytest test (locust patches the standard library with
gevent). Every request counts: a page that is missing (404), forbidden or failing is an error.

Configuration (environment, set by load/run.py):
  LOAD_PLAN       JSON from load/prepare.py: sessions and report ids per role
  LOAD_FLOWS      which flows run, default "officer,leadership,api"
  LOAD_DASHBOARD  1 (default): the leadership flow opens the dashboard pages (issue 6); 0 when
                  the portal under test has no dashboard: then those pages are not requested
  LOAD_WRITES     1: the officer flow also saves drafts (only on a copy of the data); default 0
"""

import json
import os
import random
import re

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
FLOWS = set(os.environ.get("LOAD_FLOWS", "officer,leadership,api").split(","))
DASHBOARD = os.environ.get("LOAD_DASHBOARD", "1") == "1"
WRITES = os.environ.get("LOAD_WRITES", "0") == "1"
# As nginx sends it: the portal runs with its production settings behind TLS.
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}


class PortalUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)  # a person reading a page

    csrf_cookie = ""

    def on_start(self):
        self.account = random.choice(PLAN[self.role])  # noqa: S311
        self.client.headers.update(HEADERS)
        self.client.cookies.set("sessionid", self.account["session"])
        self.client.cookies.set("django_language", "zh-hans")

    def page(self, url: str, name: str | None = None):
        with self.client.get(
            url, name=name or url, catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
            return r

    def report(self, key: str = "reports"):
        ids = self.account[key]
        return random.choice(ids) if ids else None  # noqa: S311


class Officer(PortalUser):
    """A county or prefecture officer: what is due, a report, writing it, the plan."""

    role = "officer"
    weight = 6 if "officer" in FLOWS else 0

    @task(4)
    def my_work(self):
        self.page("/work/")

    @task(3)
    def read_report(self):
        if pk := self.report():
            self.page(f"/reports/{pk}/", name="/reports/[id]/")

    @task(3)
    def write_report(self):
        pk = self.report("editable")
        if pk is None:
            return
        page = self.page(f"/reports/{pk}/edit/", name="/reports/[id]/edit/")
        if not WRITES or page.status_code != 200:
            return
        version = re.search(r'name="version" value="(\d+)"', page.text)
        form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        # The CSRF cookie is Secure (production): a browser sends it back over TLS; on this
        # loopback HTTP the client would not, so the cookie of the page is sent explicitly.
        cookie = page.cookies.get("csrftoken") or self.csrf_cookie
        if not version or not form_token or not cookie:
            self.environment.events.request.fire(
                request_type="POST",
                name="/reports/[id]/edit/ (save)",
                response_time=0,
                response_length=0,
                exception=RuntimeError("the report form has no version or CSRF token"),
                context={},
            )
            return
        self.csrf_cookie = cookie
        with self.client.post(
            f"/reports/{pk}/edit/",
            {
                "percent_complete": str(random.randint(0, 100)),  # noqa: S311
                "progress_status": "on_track",
                "narrative": "负载测试:按计划推进。",
                "problems": "",
                "next_steps": "",
                "version": version.group(1),
                "csrfmiddlewaretoken": form_token.group(1),
            },
            headers={"Referer": self.host.replace("http://", "https://") + f"/reports/{pk}/edit/"},
            cookies={"csrftoken": cookie},
            name="/reports/[id]/edit/ (save)",
            catch_response=True,
            allow_redirects=False,
        ) as r:
            # 409: another load user saved it first; told, nothing lost (a correct answer)
            if r.status_code not in (302, 409):
                r.failure(f"{r.status_code}")
            else:
                r.success()

    @task(1)
    def plan(self):
        self.page("/plan/")


class Leadership(PortalUser):
    """A province's leader: the dashboard and its views, the plan, reports."""

    role = "leader"
    weight = 3 if "leadership" in FLOWS else 0

    @task(4)
    def dashboard(self):
        if DASHBOARD:
            self.page("/dashboard/")

    @task(2)
    def lagging(self):
        if DASHBOARD:
            self.page("/dashboard/lagging/")

    @task(2)
    def compliance(self):
        if DASHBOARD:
            self.page("/dashboard/compliance/")

    @task(2)
    def plan(self):
        self.page("/plan/")

    @task(2)
    def read_report(self):
        if pk := self.report():
            self.page(f"/reports/{pk}/", name="/reports/[id]/")


class Reviewer(PortalUser):
    """A province's reviewer: the review queue and reports."""

    role = "reviewer"
    weight = 1 if "leadership" in FLOWS else 0

    @task(2)
    def queue(self):
        self.page("/review/")

    @task(1)
    def read_report(self):
        if pk := self.report():
            self.page(f"/reports/{pk}/", name="/reports/[id]/")


class ApiClient(PortalUser):
    """A program reading the API v1 with a session (an office's statistics script)."""

    role = "leader"
    weight = 2 if "api" in FLOWS else 0
    wait_time = between(0.5, 1.5)

    @task(3)
    def reports(self):
        self.page("/api/v1/progress-reports/", name="/api/v1/progress-reports/")

    @task(2)
    def rollups(self):
        self.page("/api/v1/rollups/?level=plan", name="/api/v1/rollups/")

    @task(1)
    def organizations(self):
        self.page("/api/v1/organizations/", name="/api/v1/organizations/")

    @task(1)
    def one_report(self):
        if pk := self.report():
            self.page(f"/api/v1/progress-reports/{pk}/", name="/api/v1/progress-reports/[id]/")
