"""Rollup jobs: the outbox written with the approval, publishing after commit, the relay, the
nightly full recompute, and the same jobs in a real Celery worker."""

from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model

from tasks import jobs
from tasks.models import ProgressReport, ProgressRollup, RollupRequest
from tasks.rollups.compute import rollup_full
from tasks.rollups.outbox import rollup_relay
from tasks.services import report_approve

from .test_rollups import approve, row


@pytest.fixture(autouse=True)
def eager(request):
    """Jobs run in-process here (also when a broker is configured), except with the real worker."""
    conf = jobs.recompute_chain.app.conf
    before = conf.task_always_eager
    if "celery_worker" not in request.fixturenames:
        conf.task_always_eager = True
    yield
    conf.task_always_eager = before


@pytest.fixture
def reviewer(db):
    return get_user_model().objects.create_superuser("t_rollup_reviewer", "r@example.invalid", "x")


def submitted(assignment, period, percent):
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        organization=assignment.organization,
        state="submitted",
        percent_complete=percent,
    )


def test_approval_writes_outbox_and_recomputes_after_commit(
    rollup_world, reviewer, django_capture_on_commit_callbacks
):
    orgs, periods, task, w1, _w2, a = rollup_world
    report = submitted(a["xining"], periods[2], 80)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report_approve(user=reviewer, report=report)
        assert RollupRequest.objects.filter(published_at__isnull=True).count() == 1
        assert not ProgressRollup.objects.exists()  # nothing before commit
    assert len(callbacks) == 1
    assert RollupRequest.objects.get().published_at is not None
    # the city's subtree: (2·80 + 1·0 for its county, missing) / 3
    assert row(periods[2], "work_item", w1.pk, orgs["xining"]).progress == Decimal("53.33")
    assert row(periods[2], "plan", task.plan_id).progress is not None


def test_broker_down_save_succeeds_marks_stale_and_relay_clears(
    rollup_world, reviewer, django_capture_on_commit_callbacks
):
    orgs, periods, task, w1, _w2, a = rollup_world
    approve(a["xining"], periods[2], 10)
    rollup_full(task.plan, periods[2])
    report = submitted(a["datong"], periods[2], 50)
    down = mock.patch.object(
        jobs.recompute_chain, "apply_async", side_effect=ConnectionError("broker down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        report_approve(user=reviewer, report=report)
    assert ProgressReport.objects.get(pk=report.pk).state == "approved"
    assert RollupRequest.objects.get().published_at is None
    stale = row(periods[2], "work_item", w1.pk, orgs["xining"])
    assert stale.stale and stale.stale_since is not None
    assert not row(periods[2], "work_item", w1.pk, orgs["haixi"]).stale  # not in the chain
    assert rollup_relay() == 1  # the broker is back
    fresh = row(periods[2], "work_item", w1.pk, orgs["xining"])
    assert not fresh.stale
    assert fresh.progress == Decimal("23.33")  # (2·10 + 1·50) / 3
    assert not RollupRequest.objects.filter(published_at__isnull=True).exists()


def test_jobs_are_idempotent(rollup_world):
    orgs, periods, _task, w1, _w2, a = rollup_world
    approve(a["xining"], periods[2], 40)
    args = {"work_item_id": w1.pk, "period_id": periods[2].pk, "organization_id": orgs["xining"].pk}
    jobs.recompute_chain.apply(kwargs=args)
    first = list(ProgressRollup.objects.values_list("pk", "progress", "missing"))
    jobs.recompute_chain.apply(kwargs=args)
    assert list(ProgressRollup.objects.values_list("pk", "progress", "missing")) == first
    assert jobs.recompute_chain.apply(kwargs={**args, "work_item_id": 0}).get() == "gone"
    assert jobs.recompute_all.apply().get() >= 3
    assert row(periods[2], "work_item", w1.pk).progress == Decimal("20.00")  # (2·40)/4


def test_beat_schedules_rollups(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"tasks.jobs.recompute_all", "tasks.jobs.relay_rollup_requests"} <= tasks


def test_real_worker_recomputes_chain(celery_worker, rollup_world):
    orgs, periods, _task, w1, _w2, a = rollup_world
    approve(a["xining"], periods[2], 60)
    args = {"work_item_id": w1.pk, "period_id": periods[2].pk, "organization_id": orgs["xining"].pk}
    assert celery_worker.run("tasks.jobs.recompute_chain", **args) == "'ok'"
    first = sorted(ProgressRollup.objects.values_list("pk", "progress", "status"))
    assert row(periods[2], "work_item", w1.pk, orgs["xining"]).progress == Decimal(
        "40.00"
    )  # (2·60 + 0)/3
    celery_worker.run("tasks.jobs.recompute_chain", **args)  # again: the same rows
    assert sorted(ProgressRollup.objects.values_list("pk", "progress", "status")) == first


def test_correction_marks_chain_stale_until_approved(
    rollup_world, reviewer, django_capture_on_commit_callbacks
):
    from tasks.models import IndicatorRollup, IndicatorValue
    from tasks.services import report_correct

    from .test_rollups import irow, make_indicator

    orgs, periods, task, w1, _w2, a = rollup_world
    q2 = periods[2]
    ind = make_indicator(task.plan, "fixed", "sum")
    a["xining"].indicators.set([ind])
    report = approve(a["xining"], q2, 60)
    IndicatorValue.objects.create(
        indicator=ind, organization=orgs["xining"], period=q2, value=7, report=report,
        state="approved",
    )  # fmt: skip
    rollup_full(task.plan, q2)
    assert irow(ind, q2).value == Decimal(7) and not irow(ind, q2).stale

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        correction = report_correct(user=reviewer, report=report)
        # at once, in the correction's transaction: the chain shows it is being corrected
        assert row(q2, "work_item", w1.pk).stale
    assert len(callbacks) == 1  # the recompute went through the outbox
    # (the period recomputes the set-up's indicator queued are other rows of the outbox)
    assert RollupRequest.objects.get(work_item__isnull=False).published_at is not None
    item = row(q2, "work_item", w1.pk)
    # the approved revision still counts, flagged stale since the correction was opened
    assert item.progress == Decimal("30.00")  # (2·60 + 0 + 0) / 4
    assert item.stale and item.stale_since == correction.created_at
    assert row(q2, "assignment", a["xining"].pk).explanation["correction"] == correction.pk
    for level, subject in (("key_task", task.pk), ("group", task.group_id), ("plan", task.plan_id)):
        assert row(q2, level, subject).stale, level
        assert row(q2, level, subject, orgs["xining"]).stale, level
    assert not row(q2, "work_item", w1.pk, orgs["haixi"]).stale  # not resting on it
    assert not row(q2, "work_item", _w2.pk).stale
    taken_back = irow(ind, q2)
    assert taken_back.stale and taken_back.value is None  # the value is in the draft now

    ProgressReport.objects.filter(pk=correction.pk).update(state="submitted", percent_complete=80)
    # the reviewer who opened the correction wrote it: another approves it (tasks.authorship)
    second = get_user_model().objects.create_superuser("t_rollup_second", "s@example.invalid", "x")
    with django_capture_on_commit_callbacks(execute=True):
        report_approve(user=second, report=ProgressReport.objects.get(pk=correction.pk))
    item = row(q2, "work_item", w1.pk)
    assert (item.progress, item.stale, item.stale_since) == (Decimal("40.00"), False, None)
    assert not ProgressRollup.objects.filter(period=q2, stale=True).exists()
    assert not IndicatorRollup.objects.filter(period=q2, stale=True).exists()
    assert irow(ind, q2).value == Decimal(7)
    assert not RollupRequest.objects.filter(published_at__isnull=True, work_item__isnull=False)
