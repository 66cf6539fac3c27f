"""A small reporting world: quarterly periods, a work item of task 19 assigned to two prefectures."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from orgs.models import Organization
from plan.models import Indicator, KeyTask
from tasks.models import Assignment, ReportingPeriod, WorkItem
from tasks.services import periods_generate


@dataclass
class Reporting:
    work_item: WorkItem
    xining: Assignment
    haixi: Assignment
    period: ReportingPeriod
    earlier: ReportingPeriod
    literacy: Indicator  # fed by the literacy survey register: nobody types it
    rate: Indicator  # a ratio the officers type into their reports (Xining's assignment)
    users: dict


def settle_outbox() -> None:
    """The set-up's outbox settled (a test's transaction never commits, so nothing would publish
    the period recomputes its changes queued): a test sees only the outbox rows it makes itself,
    and computes whatever rollups it reads."""
    from tasks.models import RollupRequest

    RollupRequest.objects.filter(work_item=None, indicator=None).delete()


def build_reporting(plan) -> Reporting:
    periods_generate(plan=plan, kind="quarter")
    task = KeyTask.objects.get(plan=plan, number=19)
    item = WorkItem.objects.create(
        key_task=task,
        year=2025,
        title="开展2025年公民科学素质抽样调查",
        weight=2,
        due_date=dt.date(2025, 12, 31),
    )
    literacy = Indicator.objects.get(plan=plan, code="science-literacy-rate")
    rate = Indicator.objects.create(
        plan=plan,
        code="survey-sample-completion",
        name="抽样调查样本完成率",
        unit="%",
        target=95,
        target_year=2025,
        aggregation="ratio",
        key_task=task,
    )
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["xining", "haixi"])}
    xining = Assignment.objects.create(work_item=item, organization=orgs["xining"], role="lead")
    xining.indicators.add(rate)
    haixi = Assignment.objects.create(work_item=item, organization=orgs["haixi"], role="supporting")
    users = {u.username: u for u in get_user_model().objects.all()}
    settle_outbox()
    return Reporting(
        work_item=item,
        xining=xining,
        haixi=haixi,
        period=ReportingPeriod.objects.get(plan=plan, kind="quarter", year=2025, number=3),
        earlier=ReportingPeriod.objects.get(plan=plan, kind="quarter", year=2025, number=2),
        literacy=literacy,
        rate=rate,
        users=users,
    )
