"""The permission matrix over the reporting routes: every role, a report inside and outside its
scope, read and each write."""

import pytest

from orgs.models import Organization
from tasks import services
from tasks.models import Assignment, Evidence, ProgressReport
from tests.reporting import build_reporting
from tests.world import EXPECTED_VISIBLE

PDF = b"%PDF-1.4\n%%EOF\n" + b"0" * 200
REPORTERS = {"prov_admin", "xining_officer", "xining_admin"}  # REPORT over Xining
REVIEWERS = {"prov_admin", "reviewer", "xining_admin"}  # REVIEW over Xining


@pytest.fixture
def matrix(world, plan14):
    r = build_reporting(plan14)
    # one report inside Xining (submitted, with a file) and one of Haixi's
    officer = r.users["xining_officer"]
    report = services.report_open(user=officer, assignment=r.xining, period=r.period)
    report = services.report_save(
        user=officer, report=report, version=report.version, data={"nothing_to_report": True}
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.evidence_add(user=officer, report=report, upload=SimpleUploadedFile("a.pdf", PDF))
    report = services.report_submit(user=officer, report=report, version=report.version)
    haixi = services.report_open(user=r.users["haixi_officer"], assignment=r.haixi, period=r.period)
    return r, report, haixi


def visible(role: str, org_code: str) -> bool:
    return org_code in EXPECTED_VISIBLE.get(role, set())


@pytest.mark.parametrize("role", [*EXPECTED_VISIBLE, "anonymous"])
def test_reporting_routes_matrix(world, matrix, client, role):
    _r, xining_report, haixi_report = matrix
    if role != "anonymous":
        client.force_login(world.users[role])
    evidence = Evidence.objects.get(report=xining_report)
    for report, code in ((xining_report, "xining"), (haixi_report, "haixi")):
        seen = visible(role, code)
        reads = [
            f"/reports/{report.pk}/",
            f"/assignments/{report.assignment_id}/",
            f"/work-items/{report.assignment.work_item_id}/",
        ]
        if report == xining_report:
            reads.append(f"/evidence/{evidence.pk}/")
        for url in reads:
            status = client.get(url).status_code
            if role in ("anonymous", "inactive_officer"):
                assert status == 302, (role, url)
            elif url.startswith("/work-items/"):
                # a work item belongs to the plan: everyone in the province reads it
                # (but not the security administrator: no business data)
                outside = ("gansu_officer", "no_role", "xining_secadmin")
                assert status == (200 if role not in outside else 404), (
                    role,
                    url,
                )
            else:
                assert status == (200 if seen else 404), (role, url, status)

        before = ProgressReport.objects.get(pk=report.pk)
        writes = {
            "edit": (
                f"/reports/{report.pk}/edit/",
                {"nothing_to_report": "on", "version": before.version},
            ),
            "review": (
                f"/reports/{report.pk}/review/",
                {"decision": "approve", "version": before.version},
            ),
            "correct": (f"/reports/{report.pk}/correct/", {}),
            "evidence": (f"/reports/{report.pk}/evidence/", {}),
        }
        for name, (url, data) in writes.items():
            status = client.post(url, data).status_code
            if role in ("anonymous", "inactive_officer"):
                assert status == 302, (role, url)
                continue
            if not seen:
                assert status == 404, (role, name, code, status)
                continue
            allowed = REVIEWERS if name == "review" else REPORTERS
            if role not in allowed or code != "xining":
                assert status in (403, 302), (role, name, status)  # 302: refused with a message
            else:
                assert status in (200, 302, 400), (role, name, status)
        after = ProgressReport.objects.get(pk=report.pk)
        if role not in REPORTERS | REVIEWERS:
            # nobody outside the reporting and reviewing roles changed anything
            assert (after.state, after.version) == (before.state, before.version), role


def test_reviewers_outside_the_scope_never_see_the_queue_entry(world, matrix, client):
    _r, xining_report, _ = matrix
    for role in EXPECTED_VISIBLE:
        if role == "inactive_officer":
            continue
        client.force_login(world.users[role])
        response = client.get("/review/")
        html = response.content.decode() if response.status_code == 200 else ""
        assert (f'data-report="{xining_report.pk}"' in html) == (role in REVIEWERS), role


def test_my_work_lists_only_assignments_of_the_scope(world, matrix, client):
    r, _, _ = matrix
    for role in EXPECTED_VISIBLE:
        if role == "inactive_officer":
            continue
        client.force_login(world.users[role])
        html = client.get("/work/").content.decode()
        assignments = Assignment.objects.filter(work_item=r.work_item).select_related(
            "organization"
        )
        for a in assignments:
            shown = a.organization.name in html.split("<main", 1)[1]
            assert not shown or visible(role, a.organization.code), (role, a.organization.code)


def test_counts_and_lists_of_reports_leak_nothing(world, matrix, client):
    r, _xining_report, _haixi_report = matrix
    client.force_login(world.users["xining_officer"])
    html = client.get("/work/").content.decode()
    assert Organization.objects.get(code="haixi").name not in html
    page = client.get(f"/work-items/{r.work_item.pk}/").content.decode()
    assert "海西蒙古族藏族自治州科学技术协会" not in page  # Haixi's assignment is not listed
