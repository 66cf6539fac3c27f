# ruff: noqa: S608  (SQL assembled from constant fragments and int()-checked ids; values are parameters)
"""Progress and indicator rollups: computed in the database one whole level at a time, stored as
snapshot rows per period (upserted, so running them again gives the same rows).

Levels: assignment → work item → key task → group → plan. An assignment's progress is the
percent complete of its latest approved report up to the period (from an earlier period it is
marked stale); a work item's is the mean of its assignments weighted by role, a missing report
counting 0; a key task's the mean of its work items weighted by WorkItem.weight; a group's and a
plan's the plain mean of their tasks and groups. Every level is computed for all organisations
(org_key 0) and for each organisation's subtree (org_key = its id): an assignment counts for its
own organisation and each ancestor (a materialised-path prefix join). Each level reads the rows
of the level below, so a chain recompute and a full recompute run the same statements.

A row is stale while a figure it rests on may change without it: flagged by the chain that is
waiting for the broker (rollup_mark_stale), and computed so while a correction of the approved
report it uses is open (the approved revision still counts until the correction is approved);
a row resting on a stale row below is stale too, since the earliest of them. A full recompute
deletes the period's rows it did not produce (assignments, work items or organisations gone).

Indicators are aggregated up the organisation tree: an organisation's figure comes from its own
value and its direct children's stored figures, so a chain recomputes one path of the tree.

Each level is one statement that computes its rows — figures, missing organisations and the
explanation (JSON built by the database) — and writes them with INSERT … ON CONFLICT DO UPDATE
only where a column differs from the stored row: nothing crosses into Python, and a nightly
recompute of unchanged data reads and compares without rewriting. The SQL is the same on
PostgreSQL and SQLite but for a few dialect fragments (the `_sql_*` helpers below).
"""

from django.db import connection, models, transaction
from django.utils import timezone

from orgs.models import Organization
from plan.models import Indicator, KeyTask, Plan
from qhsta.scoping import ancestor_paths

from ..models import (
    Assignment,
    IndicatorRollup,
    ProgressRollup,
    ReportingPeriod,
    RollupLevel,
    RollupSettings,
    WorkItem,
)

PROGRESS_KEY = ["period_id", "level", "subject_id", "org_key"]
PROGRESS_COLUMNS = [
    *PROGRESS_KEY,
    "organization_id",
    "progress",
    "expected_progress",
    "status",
    "weight",
    "reported",
    "expected",
    "missing",
    "explanation",
    "stale",
    "stale_since",
]
INDICATOR_KEY = ["indicator_id", "period_id", "org_key"]
INDICATOR_COLUMNS = [
    *INDICATOR_KEY,
    "organization_id",
    "value",
    "numerator",
    "denominator",
    "total",
    "reported",
    "expected",
    "missing",
    "method",
    "explanation",
    "stale",
    "stale_since",
]


def settings_for(plan: Plan) -> RollupSettings:
    return RollupSettings.objects.filter(plan=plan).first() or RollupSettings(plan=plan)


def _clock():
    """The run's time, from the database's clock where several hosts may write (their own
    clocks may differ): a row written by a run that started later is never overwritten."""
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()


class _Run:
    """One recompute of a plan's period: its settings, its time, and the statements' parameters
    (named: every statement takes the same dictionary)."""

    def __init__(self, plan: Plan, period: ReportingPeriod, organization=None):
        self.plan, self.period = plan, period
        # a chain's organisation: the ancestors it recomputes are no deeper than it is
        self.chain_depth = organization.depth if organization is not None else None
        cfg = settings_for(plan)
        self.now = _clock()
        self._depth = None
        self.params = {
            "period": period.pk,
            "plan": plan.pk,
            "year": period.year,
            "start": period.ends_on.replace(month=1, day=1),
            "end": period.ends_on,
            "lead": float(cfg.lead_weight),
            "supporting": float(cfg.supporting_weight),
            "delayed": float(cfg.delayed_gap),
            "at_risk": float(cfg.at_risk_gap),
            "now": connection.ops.adapt_datetimefield_value(self.now),
            "true": True,
        }

    @property
    def depth(self) -> int:
        """The organisation tree's depth, read once and only when a level needs it."""
        if self._depth is None:
            self._depth = Organization.objects.aggregate(d=models.Max("depth"))["d"] or 1
        return self._depth


# ---- dialect fragments ---------------------------------------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _sql_round(expr: str, places: int) -> str:
    return f"ROUND(CAST({expr} AS numeric), {places})" if _pg() else f"ROUND({expr}, {places})"


def _sql_fixed(expr: str, places: int = 2) -> str:
    """A figure as text with `places` decimals ("45.00"); NULL stays NULL."""
    if _pg():
        return f"CAST(ROUND(CAST({expr} AS numeric), {places}) AS text)"
    return f"CASE WHEN {expr} IS NULL THEN NULL ELSE printf('%%.{places}f', {expr}) END"


def _sql_figure(expr: str) -> str:
    """A figure as text to six decimals at most, trailing zeros dropped ("5.95", "12")."""
    if _pg():
        return f"CAST(trim_scale(ROUND(CAST({expr} AS numeric), 6)) AS text)"
    rounded = f"ROUND({expr}, 6)"
    return (
        f"CASE WHEN {rounded} = CAST({rounded} AS INTEGER) THEN CAST(CAST({rounded} AS INTEGER) "
        f"AS TEXT) ELSE CAST({rounded} AS TEXT) END"
    )


def _sql_clamp(expr: str) -> str:
    return f"GREATEST(0, LEAST(100, {expr}))" if _pg() else f"MAX(0, MIN(100, {expr}))"


def _sql_object(*pairs: tuple[str, str]) -> str:
    """A JSON object from constant keys and SQL values."""
    body = ", ".join(f"'{key}', {value}" for key, value in pairs)
    return f"jsonb_build_object({body})" if _pg() else f"json_object({body})"


def _sql_bool(condition: str) -> str:
    """A JSON true / false."""
    if _pg():
        return f"(CASE WHEN {condition} THEN true ELSE false END)"
    return f"json(CASE WHEN {condition} THEN 'true' ELSE 'false' END)"


def _sql_flag(condition: str) -> str:
    """A boolean column's value."""
    if _pg():
        return f"(CASE WHEN {condition} THEN true ELSE false END)"
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _sql_json(expr: str) -> str:
    """A stored JSON value embedded in another (SQLite keeps JSON as text)."""
    return expr if _pg() else f"json({expr})"


def _sql_array(expr: str | None = None) -> str:
    """A JSON array of one value, or empty."""
    if _pg():
        return f"jsonb_build_array({expr})" if expr else "'[]'::jsonb"
    return f"json_array({expr})" if expr else "json_array()"


def _sql_agg(expr: str, order: str, *, json: bool = False) -> str:
    """A JSON array of the group's values in `order` (SQLite: in the order its input is sorted,
    see _sql_sorted)."""
    if _pg():
        return f"jsonb_agg({expr} ORDER BY {order})"
    return f"json_group_array({f'json({expr})' if json else expr})"


def _sql_sorted(order: str) -> str:
    """The ORDER BY of a subquery feeding _sql_agg on SQLite (PostgreSQL orders in the aggregate)."""
    return "" if _pg() else f" ORDER BY {order}"


def _sql_any(condition: str) -> str:
    return f"bool_or({condition})" if _pg() else f"MAX({condition})"


def _sql_elements(column: str, alias: str) -> str:
    """Join each element of a JSON array of text: `alias.value`, and its position `alias.key`."""
    if _pg():
        return (
            f"CROSS JOIN LATERAL jsonb_array_elements_text({column}) WITH ORDINALITY "
            f"AS {alias}(value, key)"
        )
    return f"CROSS JOIN json_each({column}) AS {alias}"


def _json_text(column: str, key: str) -> str:
    """A key of a stored JSON object as text (NULL when absent)."""
    if _pg():
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def _carried(column: str) -> str:
    """A child row's carried-figure columns, read from its explanation: how many of the figures
    it counts come from an earlier period's approval, the latest such period's end and id."""
    count = f"COALESCE(CAST({_json_text(column, 'carried')} AS integer), 0)"
    return (
        f"{count} AS carried, {_json_text(column, 'carried_end')} AS carried_end, "
        f"CAST({_json_text(column, 'carried_from')} AS integer) AS carried_from"
    )


def _carried_agg(alias: str = "d") -> str:
    """A level's carried columns from its children's (the latest earlier period's id rides on
    its end date, so one MAX picks both)."""
    return (
        f"SUM({alias}.carried) AS carried, MAX({alias}.carried_end) AS carried_end, "
        f"MAX({alias}.carried_end || '#' || CAST({alias}.carried_from AS text)) AS carried_key"
    )


def _carried_pairs(alias: str = "t") -> list[tuple[str, str]]:
    """Explanation pairs: how many counted figures are carried from an earlier period, and the
    latest such period (its id and end date)."""
    return [
        ("carried", f"COALESCE({alias}.carried, 0)"),
        ("carried_from", f"CAST(substr({alias}.carried_key, 12) AS integer)"),
        ("carried_end", f"{alias}.carried_end"),
    ]


def _sql_differs(a: str, b: str) -> str:
    return f"{a} IS DISTINCT FROM {b}" if _pg() else f"{a} IS NOT {b}"


def _days(later: str, earlier: str) -> str:
    if _pg():
        return f"(({later})::date - ({earlier})::date)"
    return f"(julianday({later}) - julianday({earlier}))"


def _in(column: str, ids) -> str:
    """`AND column IN (…)` for a chain (ids are checked integers), nothing for a full run."""
    if ids is None:
        return ""
    return f" AND {column} IN ({', '.join(str(int(i)) for i in ids) or '0'})"


def _status_sql(progress: str, expected: str) -> str:
    """Status from progress against the schedule, with the plan's gaps."""
    return (
        f"CASE WHEN {progress} IS NULL THEN '' "
        f"WHEN {progress} >= 100 THEN 'completed' "
        f"WHEN {expected} >= 100 OR {expected} - {progress} >= %(delayed)s THEN 'delayed' "
        f"WHEN {expected} - {progress} >= %(at_risk)s THEN 'at_risk' ELSE 'on_track' END"
    )


def _ancestor_match(path: str, ancestor: str, depth: int) -> str:
    """`ancestor.path` is `path` or a prefix of it, as exact matches on the paths of every depth
    (treebeard's steplen is 4) so that the unique index on path is used; a prefix longer than
    the path gives the path itself, which only repeats an item of the list."""
    prefixes = ", ".join(f"substr({path}, 1, {4 * n})" for n in range(1, depth + 1))
    return f"{ancestor}.path IN ({prefixes})"


def _ancestor_ids(organization: Organization | None):
    if organization is None:
        return None
    paths = ancestor_paths(organization.path, include_self=True)
    return [0, *Organization.objects.filter(path__in=paths).values_list("pk", flat=True)]


# ---- writing -------------------------------------------------------------------------------


def _write(run: _Run, model, key, columns, select: str, sweep: str | None = None) -> None:
    """Store the rows `select` computes (its columns named as `columns`): inserted, or updated
    where a column differs from the stored row (unchanged rows are not rewritten and keep their
    computed_at) — unless a run that started later wrote the row: it read data at least as new,
    so an earlier run, finishing late, never puts older figures back (no lost update).

    With `sweep`, a condition on the table naming the stored rows this level replaces: those of
    them that `select` did not produce and that are older than this run are deleted (a chain
    running meanwhile writes later than the run's time, so its rows stay)."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(columns)
    figures = [c for c in columns if c not in key]
    update = ", ".join(f"{c} = excluded.{c}" for c in [*figures, "computed_at"])
    changed = " OR ".join(_sql_differs(f"{table}.{c}", f"excluded.{c}") for c in figures)
    upsert = (
        f"INSERT INTO {table} ({names}, computed_at) SELECT {names}, %(now)s FROM {{source}} "
        f"WHERE 1 = 1 ON CONFLICT ({', '.join(key)}) DO UPDATE SET {update} "
        f"WHERE {table}.computed_at < %(now)s AND ({changed})"
    )
    # every sweep names one period (and a progress level one level): matched on the rest of
    # the key, by NOT IN, which PostgreSQL hashes whatever it estimates the computed rows to be
    match = [k for k in key if k not in ("period_id", "level")]
    gone = (
        f"DELETE FROM {table} WHERE {sweep} AND computed_at < %(now)s "
        f"AND ({', '.join(match)}) NOT IN (SELECT {', '.join(f'n.{k}' for k in match)} "
        "FROM {source})"
    )
    with connection.cursor() as cursor:
        if sweep is None:
            cursor.execute(upsert.format(source=f"({select}) n"), run.params)
        elif _pg():  # one statement: the rows computed once, upserted, the others deleted
            cursor.execute(
                f"WITH n AS MATERIALIZED ({select}), up AS ({upsert.format(source='n')}) "
                + gone.format(source="n"),
                run.params,
            )
        else:
            cursor.execute("DROP TABLE IF EXISTS temp.rollup_new", {})
            cursor.execute(f"CREATE TEMP TABLE rollup_new AS {select}", run.params)
            cursor.execute(upsert.format(source="rollup_new n"), run.params)
            cursor.execute(gone.format(source="rollup_new n"), run.params)
            cursor.execute("DROP TABLE temp.rollup_new", {})


# ---- progress levels -----------------------------------------------------------------------


def _assignment_level(run: _Run, work_item_ids=None) -> None:
    chain = _in("w.id", work_item_ids)
    scope = (
        "FROM tasks_assignment a JOIN tasks_workitem w ON w.id = a.work_item_id "
        f"JOIN plan_keytask k ON k.id = w.key_task_id "
        f"WHERE k.plan_id = %(plan)s AND w.year = %(year)s{chain}"
    )
    # each assignment's latest approved report up to the period, once (rn = 1)
    latest = (
        "SELECT r.assignment_id, r.id, r.percent_complete, r.period_id, rp.ends_on, "
        "ROW_NUMBER() OVER ("
        "PARTITION BY r.assignment_id ORDER BY rp.ends_on DESC, r.revision DESC, r.id DESC"
        ") AS rn FROM tasks_progressreport r "
        "JOIN tasks_reportingperiod rp ON rp.id = r.period_id "
        "WHERE r.state = 'approved' AND r.percent_complete IS NOT NULL "
        f"AND rp.ends_on <= %(end)s AND r.assignment_id IN (SELECT a.id {scope})"
    )
    # an open correction of the chosen report: a later, not yet approved revision for its period
    correction = (
        "SELECT MIN(cr.id) FROM tasks_progressreport cr WHERE cr.assignment_id = a.id "
        "AND cr.is_latest = %(true)s AND cr.state <> 'approved' AND cr.revision > 1 "
        "AND cr.period_id = lr.period_id"
    )
    expected = (
        "CASE WHEN w.due_date <= %(end)s THEN 100.0 "
        f"ELSE 100.0 * {_days('%(end)s', '%(start)s')} / {_days('w.due_date', '%(start)s')} END"
    )
    explanation = _sql_object(
        ("method", "'latest_approved_report'"),
        ("role", "d.role"),
        ("organization", "d.org_code"),
        ("report", "d.report_id"),
        ("report_period", "d.report_period_id"),
        ("stale", _sql_bool("d.report_id IS NOT NULL AND d.report_period_id <> %(period)s")),
        ("missing", _sql_bool("d.progress IS NULL")),
        ("correction", "d.correction_id"),
        ("carried", "CASE WHEN d.carried_from IS NULL THEN 0 ELSE 1 END"),
        ("carried_from", "d.carried_from"),
        ("carried_end", "CASE WHEN d.carried_from IS NULL THEN NULL ELSE d.report_ends_on END"),
    )
    select = f"""
        SELECT %(period)s AS period_id, '{RollupLevel.ASSIGNMENT}' AS level,
               d.subject_id, 0 AS org_key, d.org_id AS organization_id,
               {_sql_round("d.progress", 2)} AS progress,
               {_sql_round(_sql_clamp("d.expected_progress"), 2)} AS expected_progress,
               {_status_sql("d.progress", "d.expected_progress")} AS status,
               {_sql_round("d.weight", 2)} AS weight,
               CASE WHEN d.progress IS NULL THEN 0 ELSE 1 END AS reported, 1 AS expected,
               CASE WHEN d.progress IS NULL THEN {_sql_array("d.org_code")}
                    ELSE {_sql_array()} END AS missing,
               {explanation} AS explanation,
               {_sql_flag("cr.id IS NOT NULL")} AS stale, cr.created_at AS stale_since
        FROM (
            SELECT a.id AS subject_id, o.id AS org_id, o.code AS org_code, a.role,
                   CASE WHEN a.role = 'lead' THEN %(lead)s ELSE %(supporting)s END AS weight,
                   lr.percent_complete AS progress,
                   lr.id AS report_id,
                   lr.period_id AS report_period_id,
                   lr.ends_on AS report_ends_on,
                   CASE WHEN lr.period_id <> %(period)s THEN lr.period_id END AS carried_from,
                   ({correction}) AS correction_id,
                   {expected} AS expected_progress
            FROM tasks_assignment a
            JOIN tasks_workitem w ON w.id = a.work_item_id
            JOIN plan_keytask k ON k.id = w.key_task_id
            JOIN orgs_organization o ON o.id = a.organization_id
            LEFT JOIN ({latest}) lr ON lr.assignment_id = a.id AND lr.rn = 1
            WHERE k.plan_id = %(plan)s AND w.year = %(year)s{chain}
        ) d
        LEFT JOIN tasks_progressreport cr ON cr.id = d.correction_id"""
    sweep = None
    if work_item_ids is None:
        sweep = f"period_id = %(period)s AND level = '{RollupLevel.ASSIGNMENT}'"
    _write(run, ProgressRollup, PROGRESS_KEY, PROGRESS_COLUMNS, select, sweep)


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
    (its `stale` flag, or stale children of its own)."""
    if _pg():
        return (
            f"(COALESCE(({explanation} ->> 'stale')::boolean, false) "
            f"OR COALESCE(jsonb_array_length({explanation} -> 'stale_children'), 0) > 0)"
        )
    return (
        f"(COALESCE(json_extract({explanation}, '$.stale'), 0) = 1 "
        f"OR COALESCE(json_array_length({explanation}, '$.stale_children'), 0) > 0)"
    )


def _work_item_detail(run: _Run, parent_ids, org_ids) -> str:
    """One row per (work item, organisation or 0, assignment) from the assignment rows: each
    assignment counts for all organisations and for its own organisation and every ancestor."""
    depth = run.depth if org_ids is None or run.chain_depth is None else run.chain_depth
    chain = _in("ca.work_item_id", parent_ids)
    if chain:  # from the work items' assignments, not from every assignment row of the period
        chain = f" AND c.subject_id IN (SELECT ca.id FROM tasks_assignment ca WHERE 1 = 1{chain})"
    base = (
        "SELECT a.work_item_id AS parent, {org} AS org_key, c.subject_id AS child, "
        "c.weight, c.progress, c.expected_progress, c.reported, c.expected, c.missing, "
        f"{_stale_child('c.explanation')} AS stale_child, c.stale, c.stale_since, "
        f"{_carried('c.explanation')} "
        "FROM tasks_progressrollup c JOIN tasks_assignment a ON a.id = c.subject_id "
        "{join} WHERE c.period_id = %(period)s AND c.level = 'assignment' AND c.org_key = 0"
    )
    everyone = base.format(org="0", join="") + chain
    per_org = (
        base.format(
            org="anc.id",
            join="JOIN orgs_organization ao ON ao.id = a.organization_id "
            f"JOIN orgs_organization anc ON {_ancestor_match('ao.path', 'anc', depth)}",
        )
        + chain
        + _in("anc.id", org_ids)
    )
    include_all = org_ids is None or 0 in org_ids
    return per_org + (f" UNION ALL {everyone}" if include_all else "")


def _upper_detail(level, parent_ids, org_ids) -> str:
    child_level, mapping = PARENTS[level]
    return (
        "SELECT m.parent, c.org_key, c.subject_id AS child, m.weight, c.progress, "
        "c.expected_progress, c.reported, c.expected, c.missing, "
        f"{_stale_child('c.explanation')} AS stale_child, c.stale, c.stale_since, "
        f"{_carried('c.explanation')} "
        f"FROM tasks_progressrollup c JOIN ({mapping}) m ON m.child = c.subject_id "
        f"WHERE c.period_id = %(period)s AND c.level = '{child_level}'"
        f"{_in('m.parent', parent_ids)}{_in('c.org_key', org_ids)}"
    )


def _level(level, run: _Run, parent_ids=None, org_ids=None) -> None:
    """One level above assignments for its parents (all of the plan's, or a chain's) and
    organisations: each parent's weighted mean of its children, a missing child counting 0."""
    if level == RollupLevel.WORK_ITEM:
        detail = _work_item_detail(run, parent_ids, org_ids)
        method, child_level = "weighted_mean_by_role", RollupLevel.ASSIGNMENT
        weight = "COALESCE((SELECT w.weight FROM tasks_workitem w WHERE w.id = t.parent), 1)"
    else:
        detail = _upper_detail(level, parent_ids, org_ids)
        method = "weighted_mean" if level == RollupLevel.KEY_TASK else "mean"
        child_level, weight = PARENTS[level][0], "1"
    child = _sql_object(
        ("level", f"'{child_level}'"),
        ("id", "d.child"),
        ("weight", _sql_fixed("d.weight")),
        ("progress", _sql_fixed("d.progress")),
        ("missing", _sql_json("d.missing")),
        ("stale", _sql_bool("d.stale_child")),
    )
    explanation = _sql_object(
        ("method", f"'{method}'"),
        ("missing_counts_as", "0"),
        ("children", _sql_json("t.children")),
        ("stale_children", f"COALESCE({_sql_json('t.stale_children')}, {_sql_array()})"),
        *_carried_pairs(),
    )
    select = f"""
        WITH d AS ({detail}),
        t AS (
            SELECT d.parent, d.org_key,
                   SUM(d.weight * COALESCE(d.progress, 0)) * 1.0
                       / NULLIF(SUM(d.weight), 0) AS progress,
                   SUM(d.weight * d.expected_progress) * 1.0
                       / NULLIF(SUM(d.weight), 0) AS expected_progress,
                   SUM(d.reported) AS reported, SUM(d.expected) AS expected,
                   {_sql_any("d.stale")} AS stale,
                   MIN(CASE WHEN d.stale THEN COALESCE(d.stale_since, %(now)s) END)
                       AS stale_since, {_carried_agg()},
                   {_sql_agg(child, "d.child", json=True)} AS children,
                   {_sql_agg("d.child", "d.child")} FILTER (WHERE d.stale_child)
                       AS stale_children
            FROM (SELECT * FROM d{_sql_sorted("parent, org_key, child")}) d
            GROUP BY d.parent, d.org_key
        ),
        m AS (
            SELECT x.parent, x.org_key, {_sql_agg("x.code", "x.code")} AS missing
            FROM (
                SELECT DISTINCT d.parent, d.org_key, e.value AS code
                FROM d {_sql_elements("d.missing", "e")}{_sql_sorted("1, 2, 3")}
            ) x
            GROUP BY x.parent, x.org_key
        )
        SELECT %(period)s AS period_id, '{level}' AS level, t.parent AS subject_id,
               t.org_key, NULLIF(t.org_key, 0) AS organization_id,
               {_sql_round("t.progress", 2)} AS progress,
               {_sql_round("t.expected_progress", 2)} AS expected_progress,
               {_status_sql("t.progress", "t.expected_progress")} AS status,
               {weight} AS weight, t.reported, t.expected,
               COALESCE(m.missing, {_sql_array()}) AS missing,
               {explanation} AS explanation,
               {_sql_flag("t.stale")} AS stale, t.stale_since
        FROM t LEFT JOIN m ON m.parent = t.parent AND m.org_key = t.org_key"""
    sweep = None
    if org_ids is None:
        sweep = f"period_id = %(period)s AND level = '{level}'{_in('subject_id', parent_ids)}"
    _write(run, ProgressRollup, PROGRESS_KEY, PROGRESS_COLUMNS, select, sweep)


# ---- indicators ----------------------------------------------------------------------------


def _indicator_leaves(indicator_ids, where: str) -> str:
    """Each organisation's own figure: the organisations expected to report an indicator (every
    active organisation of its reporting kind, or those an assignment of the period's year
    carries it for) and any that did, with its latest approved figure at or before the period
    (from an earlier period: carried); `where` narrows the organisations (alias `lo`)."""
    # the plan's indicators, or those named (a chain's, all of the plan's)
    ours = "SELECT pi.id FROM plan_indicator pi WHERE pi.plan_id = %(plan)s"
    if indicator_ids is None:
        ai_ours, iv_ours = f" AND ai.indicator_id IN ({ours})", f" AND iv.indicator_id IN ({ours})"
    else:
        ai_ours, iv_ours = (
            _in("ai.indicator_id", indicator_ids),
            _in("iv.indicator_id", indicator_ids),
        )
    ki_ours = _in("ki.id", indicator_ids)
    candidates = f"""
        SELECT DISTINCT ai.indicator_id, a.organization_id FROM tasks_assignment a
        JOIN orgs_organization lo ON lo.id = a.organization_id
        JOIN tasks_workitem w ON w.id = a.work_item_id
        JOIN plan_keytask k ON k.id = w.key_task_id
        JOIN tasks_assignment_indicators ai ON ai.assignment_id = a.id
        WHERE k.plan_id = %(plan)s AND w.year = %(year)s{ai_ours} AND {where}
        UNION SELECT ki.id, lo.id FROM plan_indicator ki
        JOIN orgs_organization lo ON lo.kind = ki.reporting_kind AND lo.is_active = %(true)s
        WHERE ki.plan_id = %(plan)s AND ki.reporting_kind <> ''{ki_ours} AND {where}
        UNION SELECT iv.indicator_id, iv.organization_id FROM tasks_indicatorvalue iv
        JOIN orgs_organization lo ON lo.id = iv.organization_id
        WHERE iv.period_id = %(period)s AND iv.state = 'approved'{iv_ours} AND {where}"""
    # a period without a new figure carries the latest approved earlier in its year, as progress
    # does (a figure of another year is that year's: a unit without one this year is missing)
    chosen = """
        SELECT v.id FROM tasks_indicatorvalue v
        JOIN tasks_reportingperiod vp ON vp.id = v.period_id
        WHERE v.indicator_id = i.id AND v.organization_id = x.organization_id
          AND v.state = 'approved' AND vp.plan_id = %(plan)s AND vp.ends_on <= %(end)s
          AND vp.year = %(year)s
          AND ((i.aggregation = 'ratio' AND v.numerator IS NOT NULL
                AND v.denominator IS NOT NULL)
            OR (i.aggregation <> 'ratio' AND v.value IS NOT NULL))
        ORDER BY vp.ends_on DESC LIMIT 1"""
    # a value of the period taken back into an open correction of its report
    correction = """
        SELECT MIN(cr.id) FROM tasks_indicatorvalue cv
        JOIN tasks_progressreport cr ON cr.id = cv.report_id
        WHERE cv.indicator_id = i.id AND cv.organization_id = x.organization_id
          AND cv.period_id = %(period)s AND cv.state <> 'approved' AND cr.revision > 1
          AND cr.is_latest = %(true)s"""
    return f"""
        SELECT i.id AS indicator_id, i.aggregation, i.unit, x.organization_id, o.code, o.path,
               iv.value, iv.numerator, iv.denominator, iv.period_id AS value_period,
               vpp.ends_on AS value_end, ({correction}) AS correction_id
        FROM ({candidates}) x
        JOIN plan_indicator i ON i.id = x.indicator_id
        JOIN orgs_organization o ON o.id = x.organization_id
        LEFT JOIN tasks_indicatorvalue iv ON iv.id = ({chosen})
        LEFT JOIN tasks_reportingperiod vpp ON vpp.id = iv.period_id"""


def _indicator_level(run: _Run, indicator_ids, *, depth=None, org_id=None) -> None:
    """One level of the organisation tree, in one statement: each organisation's figure of each
    indicator from its own value and its direct children's stored figures (sums of values,
    numerators, denominators and counts; min of mins, max of maxes) — so a province's figure
    comes from its prefectures' the same way. `depth`: every organisation at that depth (a full
    recompute, deepest first); `org_id`: one organisation (a chain, up its ancestors); neither:
    all organisations (org_key 0) from the top-level ones."""
    if depth is not None:
        where = f"lo.depth = {int(depth)}"
        parent = "JOIN orgs_organization p ON p.path = substr(o.path, 1, length(o.path) - 4)"
        parent_where, parent_key = f"p.depth = {int(depth)}", "p.id"
        rows = f"org_key IN (SELECT so.id FROM orgs_organization so WHERE so.depth = {int(depth)})"
    elif org_id is not None:
        where = f"lo.id = {int(org_id)}"
        parent = (
            "JOIN orgs_organization p ON o.depth = p.depth + 1 "
            "AND o.path BETWEEN p.path || '0000' AND p.path || 'ZZZZ'"
        )
        parent_where, parent_key = f"p.id = {int(org_id)}", "p.id"
        rows = f"org_key = {int(org_id)}"
    else:
        where, parent, parent_where, parent_key, rows = (
            "1 = 0",
            "",
            "o.depth = 1",
            "0",
            "org_key = 0",
        )
    child = f"""CASE WHEN d.subtree = 1 THEN {
        _sql_object(
            ("organization", "d.code"),
            ("subtree", _sql_bool("1 = 1")),
            ("value", _sql_figure("d.own_value")),
            ("numerator", _sql_figure("d.num")),
            ("denominator", _sql_figure("d.den")),
            ("reported", "d.reported"),
            ("expected", "d.expected"),
            ("missing", _sql_bool("d.reported = 0")),
            ("stale", _sql_bool("d.c_stale")),
        )
    } ELSE {
        _sql_object(
            ("organization", "d.code"),
            ("value", _sql_figure("d.own_value")),
            ("numerator", _sql_figure("d.num")),
            ("denominator", _sql_figure("d.den")),
            ("period", "d.value_period"),
            ("missing", _sql_bool("d.value_period IS NULL")),
            ("stale", _sql_bool("d.value_period IS NOT NULL AND d.value_period <> %(period)s")),
            ("correction", "d.correction_id"),
        )
    } END"""
    explanation = _sql_object(
        ("method", "s.method"),
        (
            "zero_denominator",
            _sql_bool(
                "s.method = 'ratio' AND s.t_reported > 0 AND s.t_value IS NULL "
                "AND COALESCE(s.t_den, 0) = 0"
            ),
        ),
        ("children", _sql_json("s.children")),
        *_carried_pairs("s"),
    )
    false = "false" if _pg() else "0"
    select = f"""
        WITH leaf AS ({_indicator_leaves(indicator_ids, where)}),
        d AS (
            SELECT l.indicator_id, l.aggregation AS method, l.unit,
                   l.organization_id AS parent, 0 AS subtree, l.code, l.path,
                   1 AS expected, CASE WHEN l.value_period IS NULL THEN 0 ELSE 1 END AS reported,
                   l.value AS v_sum, l.value AS v_min, l.value AS v_max, l.value AS own_value,
                   l.numerator AS num, l.denominator AS den, l.value_period, l.correction_id,
                   {false} AS c_stale, cr.created_at AS c_stale_since, NULL AS c_missing,
                   CASE WHEN l.value_period <> %(period)s THEN 1 ELSE 0 END AS carried,
                   CASE WHEN l.value_period <> %(period)s THEN CAST(l.value_end AS text) END AS carried_end,
                   CASE WHEN l.value_period <> %(period)s THEN l.value_period END AS carried_from
            FROM leaf l LEFT JOIN tasks_progressreport cr ON cr.id = l.correction_id
            UNION ALL
            SELECT r.indicator_id, r.method, i.unit, {parent_key} AS parent, 1 AS subtree,
                   o.code, o.path, r.expected, r.reported, r.total, r.value, r.value,
                   r.value, r.numerator, r.denominator, NULL, NULL, r.stale,
                   COALESCE(r.stale_since, %(now)s), r.missing, {_carried("r.explanation")}
            FROM tasks_indicatorrollup r
            JOIN orgs_organization o ON o.id = r.org_key
            {parent}
            JOIN plan_indicator i ON i.id = r.indicator_id
            WHERE r.period_id = %(period)s AND i.plan_id = %(plan)s AND {parent_where}
                  {_in("r.indicator_id", indicator_ids)}
        ),
        t AS (
            SELECT d.indicator_id, d.parent, MIN(d.method) AS method, MIN(d.unit) AS unit,
                   SUM(d.expected) AS t_expected, SUM(d.reported) AS t_reported,
                   SUM(d.v_sum) AS t_sum, MIN(d.v_min) AS t_min, MAX(d.v_max) AS t_max,
                   SUM(d.num) AS t_num, SUM(d.den) AS t_den,
                   {_sql_any("d.c_stale OR d.correction_id IS NOT NULL")} AS stale,
                   MIN(CASE WHEN d.c_stale OR d.correction_id IS NOT NULL
                       THEN d.c_stale_since END) AS stale_since, {_carried_agg()},
                   {_sql_agg(child, "d.path, d.subtree", json=True)} AS children
            FROM (SELECT * FROM d{_sql_sorted("indicator_id, parent, path, subtree")}) d
            GROUP BY d.indicator_id, d.parent
        ),
        m AS (
            SELECT x.indicator_id, x.parent,
                   {_sql_agg("x.code", "x.path, x.subtree, x.pos")} AS missing
            FROM (
                SELECT d.indicator_id, d.parent, d.path, d.subtree, 0 AS pos, d.code
                FROM d WHERE d.subtree = 0 AND d.value_period IS NULL
                UNION ALL
                SELECT d.indicator_id, d.parent, d.path, d.subtree, e.key, e.value
                FROM d {_sql_elements("d.c_missing", "e")} WHERE d.subtree = 1
                {_sql_sorted("1, 2, 3, 4, 5")}
            ) x
            GROUP BY x.indicator_id, x.parent
        )
        SELECT s.indicator_id, %(period)s AS period_id, s.parent AS org_key,
               NULLIF(s.parent, 0) AS organization_id,
               {_sql_round("s.t_value", 6)} AS value,
               CASE WHEN s.method = 'ratio' THEN {_sql_round("s.t_num", 6)} END AS numerator,
               CASE WHEN s.method = 'ratio' THEN {_sql_round("s.t_den", 6)} END AS denominator,
               CASE WHEN s.method <> 'ratio' THEN {_sql_round("s.t_sum", 6)} END AS total,
               s.t_reported AS reported, s.t_expected AS expected,
               COALESCE(m.missing, {_sql_array()}) AS missing, s.method,
               {explanation} AS explanation,
               {_sql_flag("s.stale")} AS stale, s.stale_since
        FROM (
            SELECT t.*, CASE t.method
                WHEN 'sum' THEN t.t_sum WHEN 'latest' THEN t.t_sum
                WHEN 'mean' THEN t.t_sum * 1.0 / NULLIF(t.t_reported, 0)
                WHEN 'min' THEN t.t_min WHEN 'max' THEN t.t_max
                WHEN 'ratio' THEN CASE WHEN t.t_den > 0 THEN t.t_num * 1.0 / t.t_den
                    * CASE WHEN t.unit = '%%' THEN 100 ELSE 1 END END
                END AS t_value
            FROM t
        ) s
        LEFT JOIN m ON m.indicator_id = s.indicator_id AND m.parent = s.parent"""
    sweep = (
        "period_id = %(period)s AND indicator_id IN "
        f"(SELECT pi.id FROM plan_indicator pi WHERE pi.plan_id = %(plan)s"
        f"{_in('pi.id', indicator_ids)}) AND {rows}"
    )
    _write(run, IndicatorRollup, INDICATOR_KEY, INDICATOR_COLUMNS, select, sweep)


def _indicators(run: _Run, indicator_ids=None, organization=None) -> None:
    """Each indicator by its own method, bottom-up over the organisation tree: sum, mean, min,
    max; latest (each organisation's latest approved value up to the period, summed); ratio
    (numerators and denominators summed separately, then divided; percentages never averaged).
    With `organization`, only its row and its ancestors' change (a chain: constant work); else
    every level, deepest first, each read by the one above."""
    if organization is None:
        for level in range(run.depth, 0, -1):
            _indicator_level(run, indicator_ids, depth=level)
    else:
        paths = ancestor_paths(organization.path, include_self=True)
        for org_id in (
            Organization.objects.filter(path__in=paths)
            .order_by("-depth")
            .values_list("pk", flat=True)
        ):
            _indicator_level(run, indicator_ids, org_id=org_id)
    _indicator_level(run, indicator_ids)


# ---- entry points --------------------------------------------------------------------------


def rollup_full(plan: Plan, period: ReportingPeriod) -> None:
    """Recompute every rollup of a plan for one period, level by level."""
    run = _Run(plan, period)
    # The rows of a level that this run did not produce (subjects or organisations gone since)
    # are deleted before the level above reads them.
    with transaction.atomic():
        _assignment_level(run)
        for level in (RollupLevel.WORK_ITEM, RollupLevel.KEY_TASK, RollupLevel.GROUP):
            _level(level, run)
        _level(RollupLevel.PLAN, run, parent_ids=[plan.pk])
        _indicators(run)


def later_periods(period: ReportingPeriod) -> list[ReportingPeriod]:
    """The plan's periods of the same year ending after `period`: their figures may carry one of
    its figures (figures carry within their year)."""
    return list(
        ReportingPeriod.objects.filter(
            plan_id=period.plan_id, year=period.year, ends_on__gt=period.ends_on
        )
        .select_related("plan")
        .order_by("ends_on", "pk")
    )


def rollup_chain(
    work_item: WorkItem, period: ReportingPeriod, organization: Organization | None = None
) -> None:
    """Recompute what one report can change: the work item's assignments, the work item, its
    task, group and plan, for all organisations and for `organization` and its ancestors; and
    the indicators its assignments carry — in its period and in every later one that may carry
    its figures (within the period's year, progress and indicator values alike)."""
    task = KeyTask.objects.select_related("plan").get(pk=work_item.key_task_id)
    org_ids = _ancestor_ids(organization)
    indicator_ids = list(
        Assignment.indicators.through.objects.filter(assignment__work_item=work_item)
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    for each in [period, *later_periods(period)]:
        run = _Run(task.plan, each, organization)
        with transaction.atomic():
            if work_item.year == each.year:
                _assignment_level(run, work_item_ids=[work_item.pk])
                _level(RollupLevel.WORK_ITEM, run, [work_item.pk], org_ids)
                _level(RollupLevel.KEY_TASK, run, [task.pk], org_ids)
                _level(RollupLevel.GROUP, run, [task.group_id], org_ids)
                _level(RollupLevel.PLAN, run, [task.plan_id], org_ids)
            if indicator_ids:
                _indicators(run, indicator_ids, organization)


def rollup_indicator(indicator: Indicator, period: ReportingPeriod, organization=None) -> None:
    """Recompute one indicator's rollups for a period and the later ones that may carry its
    value, for all organisations and for `organization` and its ancestors: what a value fed by
    a register (tasks.rollups.feeds) can change."""
    plan = Plan.objects.get(pk=indicator.plan_id)
    for each in [period, *later_periods(period)]:
        run = _Run(plan, each)
        with transaction.atomic():
            _indicators(run, [indicator.pk], organization)


def rollup_mark_indicator_stale(indicator_id: int, period, organization=None) -> int:
    """Flag one indicator's rows of the period that a recompute would rewrite."""
    rows = IndicatorRollup.objects.filter(period=period, indicator_id=indicator_id, stale=False)
    org_ids = _ancestor_ids(organization)
    if org_ids is not None:
        rows = rows.filter(org_key__in=org_ids)
    return rows.update(stale=True, stale_since=timezone.now())


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
        count += rows.filter(stale=False).update(stale=True, stale_since=now)
    indicators = IndicatorRollup.objects.filter(
        period=period,
        indicator__in=Indicator.objects.filter(assignments__work_item=work_item).values("pk"),
    )
    if org_ids is not None:
        indicators = indicators.filter(org_key__in=org_ids)
    count += indicators.filter(stale=False).update(stale=True, stale_since=now)
    return count
