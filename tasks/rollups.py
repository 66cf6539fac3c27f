# ruff: noqa: S608  (SQL assembled from constant fragments; every value is a parameter)
"""Progress and indicator rollups: computed in the database one whole level at a time, stored as
snapshot rows per period (upserted, so running them again gives the same rows).

Levels: assignment → work item → key task → group → plan. An assignment's progress is the
percent complete of its latest approved report up to the period (from an earlier period it is
marked stale); a work item's is the mean of its assignments weighted by role, a missing report
counting 0; a key task's the mean of its work items weighted by WorkItem.weight; a group's and a
plan's the plain mean of their tasks and groups. Every level is computed for all organisations
(org_key 0) and for each organisation's subtree (org_key = its id): an assignment counts for its
own organisation and each ancestor (a materialised-path prefix join). Each level reads the rows
of the level below, so a chain recompute and a full recompute run the same queries.

A row is stale while a figure it rests on may change without it: flagged by the chain that is
waiting for the broker (rollup_mark_stale), and computed so while a correction of the approved
report it uses is open (the approved revision still counts until the correction is approved);
a row resting on a stale row below is stale too, since the earliest of them. A full recompute
deletes the period's rows it did not produce (assignments, work items or organisations gone).

Indicators are aggregated up the organisation tree: an organisation's figure comes from its own
value and its direct children's stored figures, so a chain recomputes one path of the tree.
Rows are written only where a figure changed (a digest of each row's figures is stored with it),
so a nightly recompute of unchanged data reads and compares but does not rewrite.
"""

import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from orgs.models import Organization
from plan.models import Indicator, KeyTask, Plan
from qhsta.scoping import ancestor_paths

from .models import (
    Assignment,
    IndicatorRollup,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
    RollupLevel,
    RollupSettings,
    WorkItem,
)

HUNDREDTH = Decimal("0.01")
MILLIONTH = Decimal("0.000001")
PROGRESS_FIELDS = [
    "organization",
    "progress",
    "expected_progress",
    "status",
    "weight",
    "reported",
    "expected",
    "missing",
    "explanation",
    "computed_at",
    "stale",
    "stale_since",
]
INDICATOR_FIELDS = [
    "organization",
    "value",
    "numerator",
    "denominator",
    "total",
    "reported",
    "expected",
    "missing",
    "method",
    "explanation",
    "computed_at",
    "stale",
    "stale_since",
]


def settings_for(plan: Plan) -> RollupSettings:
    return RollupSettings.objects.filter(plan=plan).first() or RollupSettings(plan=plan)


def _dec(value, quantum=HUNDREDTH):
    if value is None:
        return None
    return Decimal(str(value)).quantize(quantum)


def _in(column: str, ids) -> tuple[str, list]:
    """`AND column IN (…)` for a chain, nothing for a full run."""
    if ids is None:
        return "", []
    ids = list(ids) or [0]
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


def _days(later: str, earlier: str) -> str:
    if connection.vendor == "sqlite":
        return f"(julianday({later}) - julianday({earlier}))"
    return f"(({later})::date - ({earlier})::date)"


def _date_param() -> str:
    return "%s" if connection.vendor == "sqlite" else "%s::date"


def _status_sql(progress: str, expected: str) -> str:
    """Status from progress against the schedule; %s placeholders: delayed gap, at-risk gap."""
    return (
        f"CASE WHEN {progress} IS NULL THEN '' "
        f"WHEN {progress} >= 100 THEN 'completed' "
        f"WHEN {expected} >= 100 OR {expected} - {progress} >= %s THEN 'delayed' "
        f"WHEN {expected} - {progress} >= %s THEN 'at_risk' ELSE 'on_track' END"
    )


def _fetch(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _when(value):
    """A datetime read by raw SQL (SQLite gives it naive, or as text, in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _corrections_since(report_ids) -> dict:
    """When each open correction (a new revision of an approved report) was started."""
    ids = {pk for pk in report_ids if pk}
    if not ids:
        return {}
    return dict(ProgressReport.objects.filter(pk__in=ids).values_list("pk", "created_at"))


def _ancestor_match(path: str, ancestor: str) -> str:
    """`ancestor.path` is `path` or a prefix of it, as exact matches on the paths of every depth
    (treebeard's steplen is 4) so that the unique index on path is used; a prefix longer than
    the path gives the path itself, which only repeats an item of the list."""
    depth = Organization.objects.aggregate(d=models.Max("depth"))["d"] or 1
    prefixes = ", ".join(f"substr({path}, 1, {4 * n})" for n in range(1, depth + 1))
    return f"{ancestor}.path IN ({prefixes})"


def _ancestor_ids(organization: Organization | None):
    if organization is None:
        return None
    paths = ancestor_paths(organization.path, include_self=True)
    return [0, *Organization.objects.filter(path__in=paths).values_list("pk", flat=True)]


# ---- levels --------------------------------------------------------------------------------


def _assignment_level(plan, period, cfg, now, work_item_ids=None) -> list[dict]:
    chain, chain_params = _in("w.id", work_item_ids)
    start, end = f"{_date_param()}", f"{_date_param()}"
    scope = (
        "FROM tasks_assignment a JOIN tasks_workitem w ON w.id = a.work_item_id "
        "JOIN plan_keytask k ON k.id = w.key_task_id "
        f"WHERE k.plan_id = %s AND w.year = %s{chain}"
    )
    # each assignment's latest approved report up to the period, once (rn = 1)
    latest = (
        "SELECT r.assignment_id, r.id, r.percent_complete, r.period_id, ROW_NUMBER() OVER ("
        "PARTITION BY r.assignment_id ORDER BY rp.ends_on DESC, r.revision DESC, r.id DESC"
        ") AS rn FROM tasks_progressreport r "
        "JOIN tasks_reportingperiod rp ON rp.id = r.period_id "
        "WHERE r.state = 'approved' AND r.percent_complete IS NOT NULL "
        f"AND rp.ends_on <= {end} AND r.assignment_id IN (SELECT a.id {scope})"
    )
    # an open correction of the chosen report: a later, not yet approved revision for its period
    correction = (
        "SELECT MIN(cr.id) FROM tasks_progressreport cr WHERE cr.assignment_id = a.id "
        "AND cr.is_latest = %s AND cr.state <> 'approved' AND cr.revision > 1 "
        "AND cr.period_id = lr.period_id"
    )
    expected = (
        f"CASE WHEN w.due_date <= {end} THEN 100.0 "
        f"ELSE 100.0 * {_days(end, start)} / {_days('w.due_date', start)} END"
    )
    status = _status_sql("d.progress", "d.expected_progress")
    sql = f"""
        SELECT d.*, {status} AS status FROM (
            SELECT a.id AS subject_id, o.id AS org_id, o.code AS org_code, a.role,
                   CASE WHEN a.role = 'lead' THEN %s ELSE %s END AS weight,
                   lr.percent_complete AS progress,
                   lr.id AS report_id,
                   lr.period_id AS report_period_id,
                   ({correction}) AS correction_id,
                   {expected} AS expected_progress
            FROM tasks_assignment a
            JOIN tasks_workitem w ON w.id = a.work_item_id
            JOIN plan_keytask k ON k.id = w.key_task_id
            JOIN orgs_organization o ON o.id = a.organization_id
            LEFT JOIN ({latest}) lr ON lr.assignment_id = a.id AND lr.rn = 1
            WHERE k.plan_id = %s AND w.year = %s{chain}
        ) d"""
    p_end, p_start = period.ends_on, period.ends_on.replace(month=1, day=1)
    params = [
        float(cfg.delayed_gap),
        float(cfg.at_risk_gap),
        float(cfg.lead_weight),
        float(cfg.supporting_weight),
        True,
        p_end,
        p_end,
        p_start,
        p_start,
        p_end,
        plan.pk,
        period.year,
        *chain_params,
        plan.pk,
        period.year,
        *chain_params,
    ]
    rows = []
    fetched = _fetch(sql, params)
    corrections = _corrections_since(r["correction_id"] for r in fetched)
    for r in fetched:
        stale = r["report_id"] is not None and r["report_period_id"] != period.pk
        correcting_since = corrections.get(r["correction_id"])
        missing = [] if r["progress"] is not None else [r["org_code"]]
        rows.append(
            dict(
                period_id=period.pk,
                level=RollupLevel.ASSIGNMENT,
                subject_id=r["subject_id"],
                org_key=0,
                organization_id=r["org_id"],  # whose assignment: scoped to that subtree
                progress=_dec(r["progress"]),
                expected_progress=_dec(max(0, min(100, r["expected_progress"]))),
                status=r["status"],
                weight=_dec(r["weight"]),
                reported=0 if missing else 1,
                expected=1,
                missing=missing,
                explanation={
                    "method": "latest_approved_report",
                    "role": r["role"],
                    "organization": r["org_code"],
                    "report": r["report_id"],
                    "report_period": r["report_period_id"],
                    "stale": stale,
                    "missing": bool(missing),
                    "correction": r["correction_id"],
                },
                computed_at=now,
                stale=correcting_since is not None,
                stale_since=correcting_since,
            )
        )
    existing = ProgressRollup.objects.filter(period=period, level=RollupLevel.ASSIGNMENT)
    if work_item_ids is not None:
        existing = existing.filter(
            subject_id__in=Assignment.objects.filter(work_item__in=work_item_ids).values("pk")
        )
    _store(ProgressRollup, PROGRESS_KEY, PROGRESS_FIELDS, rows, existing, _full(work_item_ids, now))
    return rows


# How each level above assignments finds its children: (child level, child → parent SQL, weight)
PARENTS = {
    RollupLevel.KEY_TASK: (
        RollupLevel.WORK_ITEM,
        "SELECT w.id AS child, w.key_task_id AS parent, w.weight AS weight FROM tasks_workitem w",
    ),
    RollupLevel.GROUP: (
        RollupLevel.KEY_TASK,
        "SELECT k.id AS child, k.group_id AS parent, 1 AS weight FROM plan_keytask k",
    ),
    RollupLevel.PLAN: (
        RollupLevel.GROUP,
        "SELECT g.id AS child, g.plan_id AS parent, 1 AS weight FROM plan_taskgroup g",
    ),
}


def _stale_child(explanation: str) -> str:
    """Whether a child row rests on a figure from an earlier period, read from its explanation
    in the database (its `stale` flag, or stale children of its own)."""
    if connection.vendor == "sqlite":
        return (
            f"(COALESCE(json_extract({explanation}, '$.stale'), 0) = 1 "
            f"OR COALESCE(json_array_length({explanation}, '$.stale_children'), 0) > 0)"
        )
    return (
        f"(COALESCE(({explanation} ->> 'stale')::boolean, false) "
        f"OR COALESCE(jsonb_array_length({explanation} -> 'stale_children'), 0) > 0)"
    )


def _work_item_detail(period, parent_ids, org_ids) -> tuple[str, list]:
    """One row per (work item, organisation or 0, assignment) from the assignment rows: each
    assignment counts for all organisations and for its own organisation and every ancestor."""
    chain, chain_params = _in("ca.work_item_id", parent_ids)
    if chain:  # from the work items' assignments, not from every assignment row of the period
        chain = f" AND c.subject_id IN (SELECT ca.id FROM tasks_assignment ca WHERE 1 = 1{chain})"
    orgs, org_params = _in("anc.id", org_ids)
    base = (
        "SELECT a.work_item_id AS parent, {org} AS org_key, c.subject_id AS child, "
        "c.weight, c.progress, c.expected_progress, c.reported, c.expected, c.missing, "
        f"{_stale_child('c.explanation')} AS stale_child, c.stale, c.stale_since "
        "FROM tasks_progressrollup c JOIN tasks_assignment a ON a.id = c.subject_id "
        "{join} WHERE c.period_id = %s AND c.level = 'assignment' AND c.org_key = 0"
    )
    everyone = base.format(org="0", join="") + chain
    per_org = (
        base.format(
            org="anc.id",
            join="JOIN orgs_organization ao ON ao.id = a.organization_id "
            f"JOIN orgs_organization anc ON {_ancestor_match('ao.path', 'anc')}",
        )
        + chain
        + orgs
    )
    include_all = org_ids is None or 0 in org_ids
    sql = per_org + (f" UNION ALL {everyone}" if include_all else "")
    params = [period.pk, *chain_params, *org_params]
    if include_all:
        params += [period.pk, *chain_params]
    return sql, params


def _upper_detail(level, period, parent_ids, org_ids) -> tuple[str, list]:
    child_level, mapping = PARENTS[level]
    chain, chain_params = _in("m.parent", parent_ids)
    orgs, org_params = _in("c.org_key", org_ids)
    sql = (
        "SELECT m.parent, c.org_key, c.subject_id AS child, m.weight, c.progress, "
        "c.expected_progress, c.reported, c.expected, c.missing, "
        f"{_stale_child('c.explanation')} AS stale_child, c.stale, "
        "c.stale_since "
        f"FROM tasks_progressrollup c JOIN ({mapping}) m ON m.child = c.subject_id "
        f"WHERE c.period_id = %s AND c.level = %s{chain}{orgs}"
    )
    return sql, [period.pk, child_level, *chain_params, *org_params]


def _level(level, plan, period, cfg, now, parent_ids=None, org_ids=None) -> list[dict]:
    if level == RollupLevel.WORK_ITEM:
        detail, params = _work_item_detail(period, parent_ids, org_ids)
        method = "weighted_mean_by_role"
    else:
        detail, params = _upper_detail(level, period, parent_ids, org_ids)
        method = "weighted_mean" if level == RollupLevel.KEY_TASK else "mean"
    status = _status_sql("s.t_progress", "s.t_expected_progress")
    # A missing child counts 0 (no evidence of progress); nothing but arithmetic happens here.
    # One query: the children, each with its parent's totals (window sums over the parent).
    sql = f"""
        SELECT s.*, {status} AS t_status FROM (
            SELECT d.*,
                   SUM(d.weight * COALESCE(d.progress, 0)) OVER g * 1.0
                       / NULLIF(SUM(d.weight) OVER g, 0) AS t_progress,
                   SUM(d.weight * d.expected_progress) OVER g * 1.0
                       / NULLIF(SUM(d.weight) OVER g, 0) AS t_expected_progress,
                   SUM(d.reported) OVER g AS t_reported, SUM(d.expected) OVER g AS t_expected
            FROM ({detail}) d WINDOW g AS (PARTITION BY d.parent, d.org_key)
        ) s"""
    children, totals = defaultdict(list), {}
    for c in _fetch(sql, [float(cfg.delayed_gap), float(cfg.at_risk_gap), *params]):
        key = (c["parent"], c["org_key"])
        children[key].append(c)
        if key not in totals:
            totals[key] = {
                "parent": c["parent"],
                "org_key": c["org_key"],
                "progress": c["t_progress"],
                "expected_progress": c["t_expected_progress"],
                "reported": c["t_reported"],
                "expected": c["t_expected"],
                "status": c["t_status"],
            }
    totals = list(totals.values())
    weights = (
        dict(
            WorkItem.objects.filter(pk__in=[t["parent"] for t in totals]).values_list(
                "pk", "weight"
            )
        )
        if level == RollupLevel.WORK_ITEM
        else {}
    )
    rows = []
    for t in totals:
        kids = sorted(children[(t["parent"], t["org_key"])], key=lambda c: c["child"])
        for c in kids:  # decoded once: a child is read by each organisation above it
            if not isinstance(c["missing"], list):
                c["missing"] = _json(c["missing"])
                c["stale_child"] = bool(c["stale_child"])
        missing = sorted({code for c in kids for code in c["missing"]})
        stale_since = [_when(c["stale_since"]) or now for c in kids if c["stale"]]
        rows.append(
            dict(
                period_id=period.pk,
                level=level,
                subject_id=t["parent"],
                org_key=t["org_key"],
                organization_id=t["org_key"] or None,
                progress=_dec(t["progress"]),
                expected_progress=_dec(t["expected_progress"]),
                status=t["status"] if t["progress"] is not None else "",
                weight=weights.get(t["parent"], Decimal(1)),
                reported=t["reported"],
                expected=t["expected"],
                missing=missing,
                explanation={
                    "method": method,
                    "missing_counts_as": 0,
                    "children": [
                        {
                            "level": _child_level(level),
                            "id": c["child"],
                            "weight": str(_dec(c["weight"])),
                            "progress": None if c["progress"] is None else str(_dec(c["progress"])),
                            "missing": c["missing"],
                            "stale": c["stale_child"],
                        }
                        for c in kids
                    ],
                    "stale_children": [c["child"] for c in kids if c["stale_child"]],
                },
                computed_at=now,
                stale=bool(stale_since),
                stale_since=min(stale_since) if stale_since else None,
            )
        )
    existing = ProgressRollup.objects.filter(period=period, level=level)
    if parent_ids is not None:
        existing = existing.filter(subject_id__in=parent_ids)
    if org_ids is not None:
        existing = existing.filter(org_key__in=org_ids)
    _store(ProgressRollup, PROGRESS_KEY, PROGRESS_FIELDS, rows, existing, _full(org_ids, now))
    return rows


def _child_level(level) -> str:
    if level == RollupLevel.WORK_ITEM:
        return RollupLevel.ASSIGNMENT
    return PARENTS[level][0]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


PROGRESS_KEY = ["period_id", "level", "subject_id", "org_key"]
INDICATOR_KEY = ["indicator_id", "period_id", "org_key"]
JSON_COLUMNS = {"missing", "explanation"}


def _digest(row: dict, columns: list[str]) -> str:
    figures = json.dumps([row[c] for c in columns], default=str)
    return hashlib.blake2b(figures.encode(), digest_size=16).hexdigest()


def _store(model, key: list[str], fields: list[str], rows: list[dict], existing, now=None):
    """Write the computed rows that differ from the stored ones (a fingerprint of each row's
    figures is stored with it), many to an INSERT … ON CONFLICT DO UPDATE statement: unchanged
    figures are neither sent nor rewritten. `existing` is the stored rows these replace; with
    `now`, those of them older than this run that it did not produce are deleted."""
    columns = key + [
        f"{name}_id" if name == "organization" else name for name in fields if name not in key
    ]
    figures = [c for c in columns if c not in key and c != "computed_at"]
    stored = {
        tuple(values): (pk, digest, computed_at)
        for pk, digest, computed_at, *values in existing.values_list(
            "pk", "digest", "computed_at", *key
        )
    }
    changed = []
    for row in rows:
        row["digest"] = _digest(row, figures)
        before = stored.get(tuple(row[k] for k in key))
        if before is None or before[1] != row["digest"]:
            changed.append(row)
    _upsert_rows(model, key, [*columns, "digest"], changed)
    if now is not None:
        produced = {tuple(row[k] for k in key) for row in rows}
        gone = [
            pk
            for values, (pk, _digest, computed_at) in stored.items()
            if values not in produced and computed_at < now
        ]
        if gone:
            model.objects.filter(pk__in=gone).delete()


def _upsert_rows(model, key: list[str], columns: list[str], rows: list[dict]) -> None:
    if not rows:
        return
    ops, quote = connection.ops, connection.ops.quote_name
    table = quote(model._meta.db_table)
    head = f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES "
    update = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns if c not in key)
    tail = f" ON CONFLICT ({', '.join(map(quote, key))}) DO UPDATE SET {update}"
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"

    def adapt(name, value):
        if name in JSON_COLUMNS:
            return json.dumps(value)
        if name in ("computed_at", "stale_since"):
            return ops.adapt_datetimefield_value(value)
        return value

    size = 500 if connection.vendor == "sqlite" else 2000
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [adapt(c, row[c]) for row in batch for c in columns]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)


# ---- indicators ----------------------------------------------------------------------------


def _indicator_leaves(
    plan, period, indicator_ids, where: str, where_params: list
) -> tuple[str, list]:
    """Each organisation's own figure: the organisations expected to report an indicator (an
    assignment of the period's year carries it) and any that did, with the approved value
    chosen by the indicator's method; `where` narrows the organisations (alias `lo`)."""
    end = _date_param()
    ours = "SELECT pi.id FROM plan_indicator pi WHERE pi.plan_id = %s"
    ai_chain, chain_params = _in("ai.indicator_id", indicator_ids)
    iv_chain, _ = _in("iv.indicator_id", indicator_ids)
    candidates = f"""
        SELECT DISTINCT ai.indicator_id, a.organization_id FROM tasks_assignment_indicators ai
        JOIN tasks_assignment a ON a.id = ai.assignment_id
        JOIN tasks_workitem w ON w.id = a.work_item_id
        JOIN orgs_organization lo ON lo.id = a.organization_id
        WHERE w.year = %s AND ai.indicator_id IN ({ours}){ai_chain} AND {where}
        UNION SELECT iv.indicator_id, iv.organization_id FROM tasks_indicatorvalue iv
        JOIN orgs_organization lo ON lo.id = iv.organization_id
        WHERE iv.period_id = %s AND iv.state = 'approved' AND iv.indicator_id IN ({ours})
          {iv_chain} AND {where}"""
    chosen = f"""
        SELECT v.id FROM tasks_indicatorvalue v
        JOIN tasks_reportingperiod vp ON vp.id = v.period_id
        WHERE v.indicator_id = i.id AND v.organization_id = x.organization_id
          AND v.state = 'approved'
          AND ((i.aggregation = 'ratio' AND v.numerator IS NOT NULL
                AND v.denominator IS NOT NULL AND v.period_id = %s)
            OR (i.aggregation = 'latest' AND v.value IS NOT NULL AND vp.ends_on <= {end})
            OR (i.aggregation NOT IN ('ratio', 'latest') AND v.value IS NOT NULL
                AND v.period_id = %s))
        ORDER BY vp.ends_on DESC LIMIT 1"""
    # a value of the period taken back into an open correction of its report
    correction = """
        SELECT MIN(cr.id) FROM tasks_indicatorvalue cv
        JOIN tasks_progressreport cr ON cr.id = cv.report_id
        WHERE cv.indicator_id = i.id AND cv.organization_id = x.organization_id
          AND cv.period_id = %s AND cv.state <> 'approved' AND cr.revision > 1
          AND cr.is_latest = %s"""
    sql = f"""
        SELECT i.id AS indicator_id, i.aggregation, i.unit, x.organization_id, o.code, o.path,
               iv.value, iv.numerator, iv.denominator, iv.period_id AS value_period,
               ({correction}) AS correction_id
        FROM ({candidates}) x
        JOIN plan_indicator i ON i.id = x.indicator_id
        JOIN orgs_organization o ON o.id = x.organization_id
        LEFT JOIN tasks_indicatorvalue iv ON iv.id = ({chosen})"""
    params = [period.pk, True, period.year, plan.pk, *chain_params, *where_params]
    params += [period.pk, plan.pk, *chain_params, *where_params]
    return sql, [*params, period.pk, period.ends_on, period.pk]


def _indicator_level(plan, period, now, indicator_ids, *, depth=None, org_id=None) -> None:
    """One level of the organisation tree, in one query: each organisation's figure of each
    indicator from its own value and its direct children's stored figures (sums of values,
    numerators, denominators and counts; min of mins, max of maxes) — so a province's figure
    comes from its prefectures' the same way. `depth`: every organisation at that depth (a full
    recompute, deepest first); `org_id`: one organisation (a chain, up its ancestors); neither:
    all organisations (org_key 0) from the top-level ones."""
    _, chain_params = _in("", indicator_ids)
    if depth is not None:
        where, where_params = "lo.depth = %s", [depth]
        parent = "JOIN orgs_organization p ON p.path = substr(o.path, 1, length(o.path) - 4)"
        parent_where, parent_params = "p.depth = %s", [depth]
        parent_key = "p.id"
    elif org_id is not None:
        where, where_params = "lo.id = %s", [org_id]
        parent = (
            "JOIN orgs_organization p ON o.depth = p.depth + 1 "
            "AND o.path BETWEEN p.path || '0000' AND p.path || 'ZZZZ'"
        )
        parent_where, parent_params = "p.id = %s", [org_id]
        parent_key = "p.id"
    else:
        where, where_params = "1 = 0", []
        parent, parent_where, parent_params, parent_key = "", "o.depth = 1", [], "0"
    leaves, leaf_params = _indicator_leaves(plan, period, indicator_ids, where, where_params)
    r_chain, _ = _in("r.indicator_id", indicator_ids)
    sql = f"""
        WITH leaf AS ({leaves})
        SELECT s.*, CASE s.method
            WHEN 'sum' THEN s.t_sum WHEN 'latest' THEN s.t_sum
            WHEN 'mean' THEN s.t_sum * 1.0 / NULLIF(s.t_reported, 0)
            WHEN 'min' THEN s.t_min WHEN 'max' THEN s.t_max
            WHEN 'ratio' THEN CASE WHEN s.t_den > 0 THEN s.t_num * 1.0 / s.t_den
                * CASE WHEN s.unit = '%%' THEN 100 ELSE 1 END END
            END AS t_value
        FROM (
            SELECT d.*, SUM(d.expected) OVER g AS t_expected,
                   SUM(d.reported) OVER g AS t_reported, SUM(d.v_sum) OVER g AS t_sum,
                   MIN(d.v_min) OVER g AS t_min, MAX(d.v_max) OVER g AS t_max,
                   SUM(d.num) OVER g AS t_num, SUM(d.den) OVER g AS t_den
            FROM (
                SELECT l.indicator_id, l.aggregation AS method, l.unit,
                       l.organization_id AS parent, 0 AS subtree, l.code, l.path,
                       1 AS expected,
                       CASE WHEN l.value_period IS NULL THEN 0 ELSE 1 END AS reported,
                       l.value AS v_sum, l.value AS v_min, l.value AS v_max, l.value AS own_value,
                       l.numerator AS num, l.denominator AS den, l.value_period, l.correction_id,
                       NULL AS c_stale, NULL AS c_stale_since, NULL AS c_missing
                FROM leaf l
                UNION ALL
                SELECT r.indicator_id, r.method, i.unit, {parent_key} AS parent, 1 AS subtree,
                       o.code, o.path, r.expected, r.reported, r.total, r.value, r.value,
                       r.value, r.numerator, r.denominator, NULL, NULL, r.stale, r.stale_since,
                       r.missing
                FROM tasks_indicatorrollup r
                JOIN orgs_organization o ON o.id = r.org_key
                {parent}
                JOIN plan_indicator i ON i.id = r.indicator_id
                WHERE r.period_id = %s AND i.plan_id = %s AND {parent_where}{r_chain}
            ) d WINDOW g AS (PARTITION BY d.indicator_id, d.parent)
        ) s"""
    params = [*leaf_params, period.pk, plan.pk, *parent_params, *chain_params]
    groups = defaultdict(list)
    for d in sorted(_fetch(sql, params), key=lambda d: (d["path"], d["subtree"])):
        groups[d["indicator_id"], d["parent"]].append(d)
    corrections = _corrections_since(d["correction_id"] for kids in groups.values() for d in kids)
    rows = [_indicator_row(period, now, kids, corrections) for kids in groups.values()]
    gone = IndicatorRollup.objects.filter(period=period, indicator__plan=plan)
    if indicator_ids is not None:
        gone = gone.filter(indicator__in=indicator_ids)
    if depth is not None:
        gone = gone.filter(organization__depth=depth)
    else:
        gone = gone.filter(org_key=org_id or 0)
    _store(IndicatorRollup, INDICATOR_KEY, INDICATOR_FIELDS, rows, gone, now)


def _indicator_row(period, now, kids, corrections) -> dict:
    """A stored figure from its own value and its children's, with the explanation."""
    t = kids[0]
    ratio = t["method"] == "ratio"
    missing = []
    children = []
    stale_since = []
    for d in kids:
        if d["subtree"]:
            missing += _json(d["c_missing"]) or []
            if d["c_stale"]:
                stale_since.append(_when(d["c_stale_since"]) or now)
            children.append(
                {
                    "organization": d["code"],
                    "subtree": True,
                    "value": _str(d["own_value"]),
                    "numerator": _str(d["num"]),
                    "denominator": _str(d["den"]),
                    "reported": d["reported"],
                    "expected": d["expected"],
                    "missing": not d["reported"],
                    "stale": bool(d["c_stale"]),
                }
            )
            continue
        if d["value_period"] is None:
            missing.append(d["code"])
        if d["correction_id"]:
            stale_since.append(corrections[d["correction_id"]])
        children.append(
            {
                "organization": d["code"],
                "value": _str(d["own_value"]),
                "numerator": _str(d["num"]),
                "denominator": _str(d["den"]),
                "period": d["value_period"],
                "missing": d["value_period"] is None,
                "stale": d["value_period"] is not None and d["value_period"] != period.pk,
                "correction": d["correction_id"],
            }
        )
    org_key = 0 if t["parent"] == 0 else t["parent"]
    return dict(
        indicator_id=t["indicator_id"],
        period_id=period.pk,
        org_key=org_key,
        organization_id=org_key or None,
        value=_dec(t["t_value"], MILLIONTH),
        numerator=_dec(t["t_num"], MILLIONTH) if ratio else None,
        denominator=_dec(t["t_den"], MILLIONTH) if ratio else None,
        total=None if ratio else _dec(t["t_sum"], MILLIONTH),
        reported=t["t_reported"],
        expected=t["t_expected"],
        missing=missing,
        method=t["method"],
        explanation={
            "method": t["method"],
            "zero_denominator": bool(
                ratio and t["t_reported"] and t["t_value"] is None and not t["t_den"]
            ),
            "children": children,
        },
        computed_at=now,
        stale=bool(stale_since),
        stale_since=min(stale_since) if stale_since else None,
    )


def _indicators(plan, period, now, indicator_ids=None, organization=None) -> None:
    """Each indicator by its own method, bottom-up over the organisation tree: sum, mean, min,
    max; latest (each organisation's latest approved value up to the period, summed); ratio
    (numerators and denominators summed separately, then divided; percentages never averaged).
    With `organization`, only its row and its ancestors' change (a chain: constant work); else
    every level, deepest first, each read by the one above."""
    if organization is None:
        depth = Organization.objects.aggregate(d=models.Max("depth"))["d"] or 0
        for level in range(depth, 0, -1):
            _indicator_level(plan, period, now, indicator_ids, depth=level)
    else:
        paths = ancestor_paths(organization.path, include_self=True)
        for org_id in (
            Organization.objects.filter(path__in=paths)
            .order_by("-depth")
            .values_list("pk", flat=True)
        ):
            _indicator_level(plan, period, now, indicator_ids, org_id=org_id)
    _indicator_level(plan, period, now, indicator_ids)


def _str(value):
    return None if value is None else str(_dec(value, MILLIONTH).normalize())


# ---- entry points --------------------------------------------------------------------------


def rollup_full(plan: Plan, period: ReportingPeriod) -> None:
    """Recompute every rollup of a plan for one period, level by level."""
    cfg, now = settings_for(plan), timezone.now()
    # The rows of a level that this run did not produce (subjects or organisations gone since)
    # are deleted before the level above reads them; a chain running meanwhile writes later
    # than `now`, so its rows stay (tasks.rollups._store).
    with transaction.atomic():
        _assignment_level(plan, period, cfg, now)
        for level in (RollupLevel.WORK_ITEM, RollupLevel.KEY_TASK, RollupLevel.GROUP):
            _level(level, plan, period, cfg, now)
        _level(RollupLevel.PLAN, plan, period, cfg, now, parent_ids=[plan.pk])
        _indicators(plan, period, now)


def _full(narrowed, now):
    """A level computed for all its organisations also deletes its rows it did not produce."""
    return now if narrowed is None else None


def rollup_chain(
    work_item: WorkItem, period: ReportingPeriod, organization: Organization | None = None
) -> None:
    """Recompute what one report can change: the work item's assignments, the work item, its
    task, group and plan, for all organisations and for `organization` and its ancestors; and
    the indicators its assignments carry."""
    task = KeyTask.objects.select_related("plan").get(pk=work_item.key_task_id)
    plan = task.plan
    cfg, now = settings_for(plan), timezone.now()
    org_ids = _ancestor_ids(organization)
    indicator_ids = list(
        Indicator.objects.filter(assignments__work_item=work_item)
        .values_list("pk", flat=True)
        .distinct()
    )
    with transaction.atomic():
        if work_item.year == period.year:
            _assignment_level(plan, period, cfg, now, work_item_ids=[work_item.pk])
            _level(RollupLevel.WORK_ITEM, plan, period, cfg, now, [work_item.pk], org_ids)
            _level(RollupLevel.KEY_TASK, plan, period, cfg, now, [task.pk], org_ids)
            _level(RollupLevel.GROUP, plan, period, cfg, now, [task.group_id], org_ids)
            _level(RollupLevel.PLAN, plan, period, cfg, now, [plan.pk], org_ids)
        if indicator_ids:
            _indicators(plan, period, now, indicator_ids, organization)


def rollup_indicator(indicator: Indicator, period: ReportingPeriod, organization=None) -> None:
    """Recompute one indicator's rollups for a period, for all organisations and for
    `organization` and its ancestors: what a value fed by a register (tasks.feeds) can change."""
    plan = Plan.objects.get(pk=indicator.plan_id)
    with transaction.atomic():
        _indicators(plan, period, timezone.now(), [indicator.pk], organization)


def rollup_mark_indicator_stale(indicator_id: int, period, organization=None) -> int:
    """Flag one indicator's rows of the period that a recompute would rewrite."""
    rows = IndicatorRollup.objects.filter(period=period, indicator_id=indicator_id, stale=False)
    org_ids = _ancestor_ids(organization)
    if org_ids is not None:
        rows = rows.filter(org_key__in=org_ids)
    return rows.update(stale=True, stale_since=timezone.now(), digest="")


def rollup_mark_stale(work_item: WorkItem, period: ReportingPeriod, organization=None) -> int:
    """Flag the rows a chain recompute would rewrite, until it has run."""
    task = KeyTask.objects.get(pk=work_item.key_task_id)
    org_ids = _ancestor_ids(organization)
    subjects = [
        (RollupLevel.ASSIGNMENT, list(work_item.assignments.values_list("pk", flat=True))),
        (RollupLevel.WORK_ITEM, [work_item.pk]),
        (RollupLevel.KEY_TASK, [task.pk]),
        (RollupLevel.GROUP, [task.group_id]),
        (RollupLevel.PLAN, [task.plan_id]),
    ]
    now, count = timezone.now(), 0
    for level, ids in subjects:
        rows = ProgressRollup.objects.filter(period=period, level=level, subject_id__in=ids)
        if org_ids is not None and level != RollupLevel.ASSIGNMENT:
            rows = rows.filter(org_key__in=org_ids)
        count += rows.filter(stale=False).update(stale=True, stale_since=now, digest="")
    indicators = IndicatorRollup.objects.filter(
        period=period,
        indicator__in=Indicator.objects.filter(assignments__work_item=work_item).values("pk"),
    )
    if org_ids is not None:
        indicators = indicators.filter(org_key__in=org_ids)
    count += indicators.filter(stale=False).update(stale=True, stale_since=now, digest="")
    return count


# ---- outbox --------------------------------------------------------------------------------


def rollup_request(report) -> None:
    """In the transaction that approved `report`: write the outbox row and publish it after
    commit. Publishing is bounded and never raises into the request; when it fails the row
    stays pending (the relay job publishes it) and the chain's rollups are marked stale."""
    rollup_enqueue(report.assignment.work_item_id, report.period_id, report.organization_id)


def rollup_correcting(report) -> None:
    """In the transaction that opened a correction of `report`: flag its chain stale at once and
    recompute it through the outbox (the values taken back into the draft stop counting, the
    rows resting on the corrected report stay stale until the correction is approved)."""
    rollup_mark_stale(report.assignment.work_item, report.period, report.organization)
    rollup_enqueue(report.assignment.work_item_id, report.period_id, report.organization_id)


def rollup_enqueue(
    work_item_id: int | None, period_id: int, organization_id: int, indicator_id: int | None = None
) -> None:
    """Write an outbox row (a report's chain, or one fed indicator) in the current transaction
    and publish it after commit."""
    from .models import RollupRequest

    request = RollupRequest.objects.create(
        work_item_id=work_item_id,
        indicator_id=indicator_id,
        period_id=period_id,
        organization_id=organization_id,
    )
    transaction.on_commit(lambda: rollup_publish(request.pk))


def rollup_publish(request_id: int) -> bool:
    """Send one outbox row to the broker; on failure flag its chain stale and leave it pending."""
    import logging

    from .jobs import recompute_chain, recompute_indicator
    from .models import RollupRequest

    request = RollupRequest.objects.filter(pk=request_id, published_at__isnull=True).first()
    if request is None:
        return True
    RollupRequest.objects.filter(pk=request_id).update(attempts=models.F("attempts") + 1)
    where = {"period_id": request.period_id, "organization_id": request.organization_id}
    if request.work_item_id:
        job, kwargs = recompute_chain, {"work_item_id": request.work_item_id, **where}
    else:
        job, kwargs = recompute_indicator, {"indicator_id": request.indicator_id, **where}
    try:
        job.apply_async(kwargs=kwargs, retry=False)
    except Exception:  # the broker is down or hangs: the relay job tries again
        logging.getLogger(__name__).warning("rollup request %s not published", request_id)
        if request.work_item_id:
            rollup_mark_stale(request.work_item, request.period, request.organization)
        else:
            rollup_mark_indicator_stale(request.indicator_id, request.period, request.organization)
        return False
    RollupRequest.objects.filter(pk=request_id).update(published_at=timezone.now())
    return True


def rollup_relay(limit: int = 500) -> int:
    """Publish the outbox rows still pending (beat: every minute); returns how many went."""
    from .models import RollupRequest

    pending = RollupRequest.objects.filter(published_at__isnull=True).values_list("pk", flat=True)
    return sum(rollup_publish(pk) for pk in list(pending[:limit]))


def rollup_all() -> int:
    """Recompute every running plan's rollups for each period that has started (beat: nightly);
    outbox rows older than the run are settled by it."""
    from .models import RollupRequest

    started, today, count = timezone.now(), timezone.localdate(), 0
    for period in ReportingPeriod.objects.filter(starts_on__lte=today).select_related("plan"):
        rollup_full(period.plan, period)
        count += 1
    RollupRequest.objects.filter(published_at__isnull=True, created_at__lte=started).update(
        published_at=timezone.now()
    )
    return count
