"""Fixtures of the tasks tests."""

import datetime as dt

import pytest

from orgs.models import Organization
from orgs.services import organization_ensure
from tasks.models import Assignment, ReportingPeriod, RollupRequest, WorkItem


@pytest.fixture
def rollup_world(plan14):
    orgs = {o.code: o for o in Organization.objects.all()}
    datong, _ = organization_ensure(
        code="xining-datong", name="大通县科协", kind="county_sta", parent=orgs["xining"]
    )
    orgs["xining-datong"] = datong
    periods = {
        n: ReportingPeriod.objects.create(
            plan=plan14,
            kind="quarter",
            year=2024,
            number=n,
            starts_on=dt.date(2024, 3 * n - 2, 1),
            ends_on=[dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2024, 9, 30)][n - 1],
            deadline=dt.date(2024, 12, 31),
        )
        for n in (1, 2, 3)
    }
    task = plan14.key_tasks.order_by("number").first()
    w1 = WorkItem.objects.create(
        key_task=task, year=2024, title="w1", weight=2, due_date=dt.date(2024, 12, 31)
    )
    w2 = WorkItem.objects.create(
        key_task=task, year=2024, title="w2", weight=1, due_date=dt.date(2024, 12, 31)
    )
    a = {
        "xining": Assignment.objects.create(work_item=w1, organization=orgs["xining"], role="lead"),
        "datong": Assignment.objects.create(work_item=w1, organization=datong, role="supporting"),
        "haixi": Assignment.objects.create(
            work_item=w1, organization=orgs["haixi"], role="supporting"
        ),
        "haixi2": Assignment.objects.create(work_item=w2, organization=orgs["haixi"], role="lead"),
    }
    # these tests take the rollups from nothing: the period recomputes the set-up queued (run
    # after its commit in production, tests/reporting.settle_outbox) are not their subject
    RollupRequest.objects.filter(work_item=None, indicator=None).delete()
    return orgs, periods, task, w1, w2, a
