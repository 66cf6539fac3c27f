"""Lagging work items whose reports are sent and waiting for review say so (issue 14, point 8):
behind on the approved figures, but not neglected by their organisations."""

import re

from django.contrib.auth import get_user_model

from dashboard.selectors import Subject, lagging_items
from tasks import services
from tasks.models import ProgressReport


def waiting_badge(html: str, work_item_id: int) -> str | None:
    row = re.search(rf'<tr class="dash-lagging" data-id="{work_item_id}">.*?</tr>', html, re.S)
    assert row, work_item_id
    badge = re.search(r'<span class="badge text-bg-info dash-waiting">([^<]+)</span>', row.group(0))
    return badge.group(1) if badge else None


def test_a_lagging_item_with_a_report_waiting_for_review_says_so(rolled, as_user):
    plan, periods = rolled
    period = periods[(2025, 4)]
    leader = get_user_model().objects.get(username="leader")
    subject = Subject(plan=plan, org=None, whole=True)
    items = lagging_items(user=leader, subject=subject, period=period, limit=200)
    sent = {x.row.subject_id: x.waiting for x in items}
    assert sent, "the demo has work items behind schedule in 2025 Q4"
    # an item with an assignment that has not sent its Q4 report yet
    for x in items:
        unsent = [
            a
            for a in x.work_item.assignments.all()
            if not ProgressReport.objects.filter(
                assignment=a, period=period, is_latest=True, state__in=["submitted", "approved"]
            ).exists()
        ]
        if unsent:
            break
    item, assignment = x, unsent[0]
    url = f"/dashboard/lagging/?period={period.pk}"
    html = as_user("leader").get(url).content.decode()
    before = sent[item.row.subject_id]
    assert waiting_badge(html, item.row.subject_id) == (
        f"已报送{before}份,待审核" if before else None
    )

    officer = get_user_model().objects.get(username="province_admin")
    report = services.report_open(user=officer, assignment=assignment, period=period)
    report = services.report_save(
        user=officer,
        report=report,
        version=report.version,
        data={"percent_complete": 100, "progress_status": "on_track", "narrative": "已完成。"},
    )
    services.report_submit(user=officer, report=report, version=report.version)
    html = as_user("leader").get(url).content.decode()
    assert waiting_badge(html, item.row.subject_id) == f"已报送{before + 1}份,待审核"
