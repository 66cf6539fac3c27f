"""Rollups: hand-computed expectations for every level and aggregation method, and a randomized
check that the full recompute equals the chain-by-chain incremental one."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from orgs.models import Organization
from plan.models import Indicator
from tasks.models import (
    Assignment,
    IndicatorRollup,
    IndicatorValue,
    ProgressReport,
    ProgressRollup,
    RollupSettings,
    WorkItem,
)
from tasks.rollups.compute import later_periods, rollup_chain, rollup_full, rollup_mark_stale

D = Decimal


def approve(assignment, period, percent, revision=1):
    ProgressReport.objects.filter(assignment=assignment, period=period).update(is_latest=False)
    return ProgressReport.objects.create(
        assignment=assignment,
        period=period,
        organization=assignment.organization,
        revision=revision,
        state="approved",
        percent_complete=percent,
    )


def row(period, level, subject, org=None):
    return ProgressRollup.objects.get(
        period=period, level=level, subject_id=subject, org_key=org.pk if org else 0
    )


@pytest.fixture
def reported(rollup_world):
    _orgs, periods, task, _w1, _w2, a = rollup_world
    approve(a["xining"], periods[2], 60)
    approve(a["datong"], periods[1], 30)  # only Q1: carried into Q2, stale
    approve(a["haixi2"], periods[2], 100)
    rollup_full(task.plan, periods[2])
    return rollup_world


def test_work_item_weighted_by_role_missing_counts_zero(reported):
    orgs, periods, _task, w1, _w2, _a = reported
    q2 = periods[2]
    everyone = row(q2, "work_item", w1.pk)
    assert everyone.progress == D("37.50")  # (2·60 + 1·30 + 1·0) / 4
    assert (everyone.reported, everyone.expected) == (2, 3)
    assert everyone.missing == ["haixi"]
    assert everyone.expected_progress == D("49.59")  # 181 of 365 days
    assert everyone.status == "at_risk"  # 12.09 points behind
    assert row(q2, "work_item", w1.pk, orgs["qhsta"]).progress == D("37.50")
    xining = row(q2, "work_item", w1.pk, orgs["xining"])
    assert xining.progress == D("50.00")  # (2·60 + 1·30) / 3: the county counts for its city
    assert xining.status == "on_track"
    assert row(q2, "work_item", w1.pk, orgs["xining-datong"]).progress == D("30.00")
    haixi = row(q2, "work_item", w1.pk, orgs["haixi"])
    assert (haixi.progress, haixi.status, haixi.missing) == (D("0.00"), "delayed", ["haixi"])


def test_explanation_lists_children_missing_and_stale(reported):
    _orgs, periods, task, w1, _w2, a = reported
    q2 = periods[2]
    datong = row(q2, "assignment", a["datong"].pk)
    assert datong.explanation["stale"] is True
    assert datong.explanation["report_period"] == periods[1].pk
    expl = row(q2, "work_item", w1.pk).explanation
    assert expl["method"] == "weighted_mean_by_role"
    assert [c["id"] for c in expl["children"]] == sorted(x.pk for x in list(a.values())[:3])
    by_id = {c["id"]: c for c in expl["children"]}
    assert by_id[a["haixi"].pk]["missing"] == ["haixi"]
    assert by_id[a["xining"].pk]["weight"] == "2.00"
    assert expl["stale_children"] == [a["datong"].pk]
    assert row(q2, "key_task", task.pk).explanation["stale_children"] == [w1.pk]


def test_task_group_plan(reported):
    orgs, periods, task, _w1, w2, _a = reported
    q2 = periods[2]
    assert row(q2, "key_task", task.pk).progress == D("58.33")  # (2·37.5 + 1·100) / 3
    assert row(q2, "key_task", task.pk, orgs["xining"]).progress == D("50.00")  # only w1
    assert row(q2, "key_task", task.pk, orgs["haixi"]).progress == D("33.33")  # (2·0 + 100)/3
    assert row(q2, "work_item", w2.pk).status == "completed"
    assert row(q2, "group", task.group_id).progress == D("58.33")
    plan_row = row(q2, "plan", task.plan_id)
    assert plan_row.progress == D("58.33")
    assert plan_row.missing == ["haixi"]
    assert (plan_row.reported, plan_row.expected) == (3, 4)


def test_weights_and_thresholds_are_configurable(reported):
    orgs, periods, task, w1, _w2, _a = reported
    RollupSettings.objects.create(
        plan=task.plan, lead_weight=1, supporting_weight=1, at_risk_gap=20, delayed_gap=60
    )
    rollup_full(task.plan, periods[2])
    everyone = row(periods[2], "work_item", w1.pk)
    assert everyone.progress == D("30.00")  # (60 + 30 + 0) / 3
    assert everyone.status == "on_track"  # 19.59 behind, at risk only from 20
    assert row(periods[2], "work_item", w1.pk, orgs["haixi"]).status == "at_risk"


def test_empty_period_and_rerun_gives_same_rows(reported):
    orgs, periods, task, w1, w2, _a = reported
    rollup_full(task.plan, periods[3])
    q3 = row(periods[3], "work_item", w2.pk)
    assert q3.progress == D("100.00") and q3.explanation["children"][0]["stale"]
    count = ProgressRollup.objects.count()
    before = list(ProgressRollup.objects.values("pk", "progress", "status", "missing"))
    rollup_full(task.plan, periods[2])
    rollup_chain(w1, periods[2], orgs["xining-datong"])
    assert ProgressRollup.objects.count() == count
    assert list(ProgressRollup.objects.values("pk", "progress", "status", "missing")) == before
    q1 = periods[1]
    rollup_full(task.plan, q1)
    assert row(q1, "work_item", w2.pk).progress == D("0.00")  # nothing approved yet


def test_past_period_snapshot_stays(reported):
    orgs, periods, task, w1, _w2, a = reported
    approve(a["xining"], periods[3], 90)
    rollup_full(task.plan, periods[3])
    assert row(periods[2], "work_item", w1.pk, orgs["xining"]).progress == D("50.00")
    assert row(periods[3], "work_item", w1.pk, orgs["xining"]).progress == D("70.00")


def test_mark_stale_then_chain_clears(reported):
    orgs, periods, task, w1, _w2, _a = reported
    assert rollup_mark_stale(w1, periods[2], orgs["xining-datong"]) > 0
    assert row(periods[2], "plan", task.plan_id, orgs["xining"]).stale
    assert not row(periods[2], "plan", task.plan_id, orgs["haixi"]).stale
    rollup_chain(w1, periods[2], orgs["xining-datong"])
    assert not ProgressRollup.objects.filter(stale=True).exists()


# ---- indicators ----------------------------------------------------------------------------


def make_indicator(plan, code, aggregation, unit="个"):
    return Indicator.objects.create(
        plan=plan,
        code=f"t-{code}",
        name=code,
        unit=unit,
        target=100,
        target_year=2025,
        aggregation=aggregation,
    )


def value(ind, org, period, v=None, num=None, den=None, state="approved"):
    return IndicatorValue.objects.create(
        indicator=ind,
        organization=org,
        period=period,
        value=v,
        numerator=num,
        denominator=den,
        state=state,
    )


def irow(ind, period, org=None):
    return IndicatorRollup.objects.get(indicator=ind, period=period, org_key=org.pk if org else 0)


def test_indicator_methods(rollup_world):
    orgs, periods, task, _w1, _w2, a = rollup_world
    plan, q1, q2 = task.plan, periods[1], periods[2]
    xn, dt_, hx = orgs["xining"], orgs["xining-datong"], orgs["haixi"]
    ind = {m: make_indicator(plan, m, m) for m in ("sum", "mean", "min", "max", "latest", "ratio")}
    ind["pct"] = make_indicator(plan, "pct", "ratio", unit="%")
    ind["zero"] = make_indicator(plan, "zero", "ratio", unit="%")
    for key in ("xining", "datong", "haixi"):
        a[key].indicators.set(ind.values())
    value(ind["sum"], xn, q2, 10)
    value(ind["sum"], dt_, q2, 5)
    value(ind["sum"], hx, q2, 99, state="submitted")  # not approved: missing
    for org, v in ((xn, 10), (dt_, 20), (hx, 60)):
        for m in ("mean", "min", "max"):
            value(ind[m], org, q2, v)
    value(ind["latest"], xn, q1, 7)
    value(ind["latest"], xn, q2, 9)
    value(ind["latest"], dt_, q1, 3)
    for org, n, d in ((xn, 1, 2), (dt_, 99, 100), (hx, 1, 4)):
        value(ind["pct"], org, q2, num=n, den=d)
    value(ind["ratio"], xn, q2, num=3, den=4)
    value(ind["zero"], xn, q2, num=0, den=0)
    rollup_full(plan, q2)

    s = irow(ind["sum"], q2)
    assert (s.value, s.reported, s.expected, s.missing) == (D(15), 2, 3, ["haixi"])
    assert irow(ind["sum"], q2, xn).value == D(15)  # the city and its county
    assert irow(ind["sum"], q2, dt_).value == D(5)
    h = irow(ind["sum"], q2, hx)
    assert (h.value, h.missing, h.reported) == (None, ["haixi"], 0)
    assert irow(ind["mean"], q2).value == D(30)
    assert irow(ind["mean"], q2, xn).value == D(15)
    assert irow(ind["min"], q2).value == D(10)
    assert irow(ind["max"], q2).value == D(60)
    assert irow(ind["max"], q2, xn).value == D(20)
    latest = irow(ind["latest"], q2)
    assert latest.value == D(12)  # 9 (Q2) + 3 carried from Q1
    # each figure explains itself by its own value and its direct children's figures
    assert [c["organization"] for c in latest.explanation["children"]] == ["qhsta"]
    city = irow(ind["latest"], q2, xn).explanation["children"]
    assert [(c["organization"], c["value"], c.get("subtree", False)) for c in city] == [
        ("xining", "9", False),
        ("xining-datong", "3", True),
    ]
    county = irow(ind["latest"], q2, dt_).explanation["children"]
    assert [(c["organization"], c["stale"], c["period"]) for c in county] == [
        ("xining-datong", True, q1.pk)  # carried from Q1
    ]
    assert latest.missing == ["haixi"]
    pct = irow(ind["pct"], q2)
    # 101 / 106, not the mean of 50 %, 99 % and 25 %
    assert pct.value == D("95.283019")
    assert (pct.numerator, pct.denominator) == (D(101), D(106))
    assert irow(ind["pct"], q2, xn).value == D("98.039216")  # 100 / 102
    assert irow(ind["ratio"], q2).value == D("0.75")
    zero = irow(ind["zero"], q2)
    assert zero.value is None and zero.explanation["zero_denominator"]
    assert irow(ind["pct"], q2).explanation["method"] == "ratio"
    assert IndicatorRollup.objects.get(indicator=ind["mean"], period=q2, org_key=0).method == "mean"


def test_indicator_empty(rollup_world):
    _orgs, periods, task, _w1, _w2, a = rollup_world
    ind = make_indicator(task.plan, "empty", "sum")
    a["xining"].indicators.set([ind])
    rollup_full(task.plan, periods[2])
    r = irow(ind, periods[2])
    assert (r.value, r.reported, r.expected, r.missing) == (None, 0, 1, ["xining"])


# ---- full == incremental -------------------------------------------------------------------


def snapshot():
    progress = sorted(
        ProgressRollup.objects.values_list(
            "period",
            "level",
            "subject_id",
            "org_key",
            "progress",
            "expected_progress",
            "status",
            "reported",
            "expected",
            "missing",
        )
    )
    indicators = sorted(
        IndicatorRollup.objects.values_list(
            "indicator", "period", "org_key", "value", "reported", "expected", "missing"
        )
    )
    return progress, indicators


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_full_equals_incremental_on_random_data(rollup_world, seed):
    orgs, periods, task, w1, w2, _a = rollup_world
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    plan = task.plan
    for period in periods.values():  # the state every period has from its opening on
        rollup_full(plan, period)
    tasks = list(plan.key_tasks.order_by("number")[:4])
    candidates = [o for o in Organization.objects.filter(path__startswith=orgs["qhsta"].path)]
    indicators = [make_indicator(plan, m, m) for m in ("sum", "mean", "latest", "ratio")]
    items = [w1, w2]
    for n in range(6):
        items.append(
            WorkItem.objects.create(
                key_task=rng.choice(tasks),
                year=2024,
                title=f"r{n}",
                weight=rng.choice([1, 2, 3]),
                due_date=dt.date(2024, rng.choice([6, 9, 12]), 28),
            )
        )
    for item in items[2:]:
        for i, org in enumerate(rng.sample(candidates, 3)):
            Assignment.objects.create(
                work_item=item, organization=org, role="lead" if i == 0 else "supporting"
            ).indicators.set(rng.sample(indicators, 2))
    events = []
    for assignment in Assignment.objects.select_related("work_item"):
        for period in periods.values():
            if rng.random() < 0.6:
                approve(assignment, period, rng.randint(0, 100))
                events.append((assignment, period))
            for ind in assignment.indicators.all():
                if (
                    rng.random() < 0.5
                    and not IndicatorValue.objects.filter(
                        indicator=ind, organization=assignment.organization, period=period
                    ).exists()
                ):
                    num = rng.randint(0, 50)
                    value(ind, assignment.organization, period, rng.randint(0, 50), num, num + 10)
    rng.shuffle(events)
    for assignment, period in events:
        rollup_chain(assignment.work_item, period, assignment.organization)
    # periods with no event at all still get their rows from the chains of others' periods
    for assignment in Assignment.objects.select_related("work_item"):
        for period in periods.values():
            rollup_chain(assignment.work_item, period, assignment.organization)
    incremental = snapshot()
    ProgressRollup.objects.all().delete()
    IndicatorRollup.objects.all().delete()
    for period in periods.values():
        rollup_full(plan, period)
    assert snapshot() == incremental
    assert incremental[0] and incremental[1]


def test_full_deletes_rows_of_subjects_gone(reported):
    orgs, periods, task, w1, w2, a = reported
    q2 = periods[2]
    ind = make_indicator(task.plan, "gone", "sum")
    a["haixi2"].indicators.set([ind])
    rollup_full(task.plan, q2)
    assert ProgressRollup.objects.filter(period=q2, level="work_item", subject_id=w2.pk).exists()
    assert irow(ind, q2, orgs["haixi"])
    q3_rows = ProgressRollup.objects.filter(period=periods[3]).count()
    a["datong"].delete()  # the county's only assignment
    w2.delete()  # with its assignment and the indicator's only candidate
    rollup_full(task.plan, q2)
    left = ProgressRollup.objects.filter(period=q2)
    assert not left.filter(level="work_item", subject_id=w2.pk).exists()
    assert not left.filter(level="assignment", subject_id__in=[a["datong"].pk, a["haixi2"].pk])
    assert not left.filter(org_key=orgs["xining-datong"].pk).exists()
    assert not IndicatorRollup.objects.filter(indicator=ind, period=q2).exists()
    assert row(q2, "work_item", w1.pk, orgs["xining"]).progress == D("60.00")  # only the city
    assert row(q2, "key_task", task.pk).progress == D("40.00")  # only w1 now: (2·60 + 0)/3
    assert ProgressRollup.objects.filter(period=periods[3]).count() == q3_rows  # other periods
    before = snapshot()
    rollup_full(task.plan, q2)
    assert snapshot() == before


def test_chain_queries_do_not_grow_with_organisations(rollup_world):
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    orgs, periods, task, w1, _w2, a = rollup_world
    q2 = periods[2]
    inds = [make_indicator(task.plan, m, m) for m in ("sum", "ratio", "latest")]

    def counted():
        with CaptureQueriesContext(connection) as ctx:
            rollup_chain(w1, q2, orgs["xining-datong"])
            rollup_chain(w1, q2)
        # each level is one statement that computes and stores its rows (SQLite: five, through
        # a temporary table, where a level also deletes the rows it no longer produces), in the
        # period and in each later one that may carry its figures
        depth = Organization.objects.aggregate(d=Max("depth"))["d"]
        runs = 1 + len(later_periods(q2))
        assert len(ctx.captured_queries) <= 2 * runs * (8 + 5 * 5 + 5 * (depth + 1))
        return len(ctx.captured_queries)

    a["xining"].indicators.set(inds)
    approve(a["xining"], q2, 50)
    small = counted()
    extra = [
        o for o in Organization.objects.exclude(pk__in=[x.organization_id for x in a.values()])
    ]
    assert len(extra) >= 5
    for i, org in enumerate(extra):
        Assignment.objects.create(work_item=w1, organization=org, role="supporting").indicators.set(
            inds
        )
        for ind in inds:
            value(ind, org, q2, i, i, i + 1)
    big = counted()
    assert IndicatorRollup.objects.filter(period=q2).count() > 3 * len(extra)
    assert big == small


def test_unchanged_rows_are_not_rewritten(rollup_world):
    """A recompute of unchanged data rewrites nothing (each row keeps its computed_at); a
    changed figure rewrites its own rows and those above it, not its neighbours'."""
    orgs, periods, task, w1, w2, a = rollup_world
    q2 = periods[2]
    ind = make_indicator(task.plan, "sum", "sum")
    a["xining"].indicators.set([ind])
    approve(a["xining"], q2, 50)
    rollup_full(task.plan, q2)

    def stamps():
        return {
            (r.level, r.subject_id, r.org_key): r.computed_at
            for r in ProgressRollup.objects.filter(period=q2)
        } | {
            ("ind", r.indicator_id, r.org_key): r.computed_at
            for r in IndicatorRollup.objects.filter(period=q2)
        }

    before = stamps()
    rollup_full(task.plan, q2)
    rollup_chain(w1, q2, orgs["xining"])
    assert stamps() == before
    approve(a["datong"], q2, 90)
    rollup_chain(w1, q2, orgs["xining-datong"])
    after = stamps()
    changed = {k for k in before if after[k] != before[k]}
    assert ("assignment", a["datong"].pk, 0) in changed
    assert ("work_item", w1.pk, 0) in changed and ("plan", task.plan_id, 0) in changed
    assert ("assignment", a["xining"].pk, 0) not in changed
    assert not any(k[0] == "work_item" and k[1] == w2.pk for k in changed)


def test_a_run_that_started_earlier_never_puts_older_figures_back(rollup_world):
    """Two jobs for one chain: the one that started first but finishes last (a slow worker, a
    lock) must not overwrite the figures of the job that started after the approval."""
    from tasks.rollups.compute import _assignment_level, _Run

    orgs, periods, task, w1, _w2, a = rollup_world
    q2 = periods[2]
    rollup_full(task.plan, q2)
    early = _Run(task.plan, q2)  # started before the approval below
    report = approve(a["haixi"], q2, 80)
    rollup_chain(w1, q2, orgs["haixi"])  # the approval's own job
    assert row(q2, "assignment", a["haixi"].pk).progress == D("80.00")
    report.delete()  # the early job read the data as it was when it started: no report
    _assignment_level(early, work_item_ids=[w1.pk])
    assert row(q2, "assignment", a["haixi"].pk).progress == D("80.00")
    rollup_chain(w1, q2, orgs["haixi"])  # a job started now reads what is there now
    assert row(q2, "assignment", a["haixi"].pk).progress is None
