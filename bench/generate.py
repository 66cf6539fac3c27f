"""National-scale synthetic data for the benchmarks, written in bulk.

Everything is written with explicit ids in a handful of bulk statements: COPY on PostgreSQL,
executemany INSERTs elsewhere (the SQLite test database of the smoke test). The organisation tree
is written in django-treebeard's own format (path, depth, numchild), and the guardian permission
rows are exactly those orgs.roles gives for each membership, so the scoping API reads this data as
it reads data entered through the portal.

The shape (one `Config`):
- organisations: `provinces` provincial STAs (tree roots) → prefecture STAs → county STAs →
  township STAs. The first prefecture of each province (its capital) has more counties; townships
  fill the tree up to `orgs` nodes, spread evenly over the counties.
- users: `users` accounts with unusable passwords, most of them officers at counties and
  townships, some at prefectures, a few at the provinces (ROLE_PATTERN); one in fifty county
  officers also holds the role at a sibling county. A few named accounts (DESIGNATED) are the ones
  the benchmark measures.
- plan data: one plan per province (held by the provincial STA) with task groups, key tasks,
  annual work items and quarterly reporting periods.
- reports: `reports` progress reports. Assignments are dealt round-robin over the organisations
  (in a shuffled order, so a partial round does not favour one province), each reporting every
  quarter of its work item's year; about one report in twenty has a second revision. Every
  organisation's share of the reports therefore grows in proportion to `reports`.
"""

import datetime as dt
import io
import math
import random
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.color import no_style
from django.db import connection

from orgs.choices import OrganizationKind, Role
from orgs.models import Membership, Organization, OrganizationUserObjectPermission
from orgs.roles import role_permissions
from plan.choices import Aggregation
from plan.models import Indicator, KeyTask, Plan, TaskGroup
from tasks.choices import AssignmentRole, PeriodKind, ProgressStatus, ReportState
from tasks.models import (
    Assignment,
    IndicatorRollup,
    IndicatorValue,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
    RollupRequest,
    RollupSettings,
    WorkItem,
)

# Bump when the data this module writes changes: stored data sets of another version are rebuilt.
GENERATOR_VERSION = 1
ROLLUP_GENERATOR_VERSION = 1

LEVELS = ("province", "prefecture", "county", "township")
KIND = {
    "province": OrganizationKind.PROVINCIAL_STA,
    "prefecture": OrganizationKind.PREFECTURE_STA,
    "county": OrganizationKind.COUNTY_STA,
    "township": OrganizationKind.TOWNSHIP_STA,
}
# Accounts per organisation, relative (normalised to Config.users), and the roles dealt in turn.
USER_WEIGHT = {"province": 10, "prefecture": 10, "county": 8, "township": 11}
ROLE_PATTERN = {
    "province": [
        *("admin", "reviewer", "officer", "leader", "reviewer"),
        *("officer", "officer", "reviewer", "leader", "officer"),
    ],
    "prefecture": [
        *("officer", "reviewer", "admin", "officer", "officer"),
        *("leader", "officer", "reviewer", "officer", "officer"),
    ],
    "county": ["officer", "reviewer", "officer", "leader", "officer", "officer", "officer"],
    "township": ["officer"] * 9 + ["leader"],
}
SECOND_ROLE_EVERY = 50  # one county officer in 50 also holds the role at a sibling county

KEY_TASKS_PER_PLAN = 10
TASK_GROUPS_PER_PLAN = 3
MIN_WORK_ITEMS_PER_PLAN = 100
REVISION_SHARE = 0.05
# The latest revision's state: approved, submitted (the review queues), returned, draft.
STATE_WEIGHTS = [
    (ReportState.APPROVED, 0.55),
    (ReportState.SUBMITTED, 0.25),
    (ReportState.RETURNED, 0.05),
    (ReportState.DRAFT, 0.15),
]
PROGRESS = [s.value for s in ProgressStatus]

COPY_CHUNK = 50_000

# The rollup layout (Config(layout="rollups")): the plan shape of the issue.
ROLLUP_KEY_TASKS = 31
ROLLUP_GROUPS = 7
ROLLUP_WORK_ITEMS = (5, 10)  # per key task, inclusive
# Most reports reviewed and approved; the submitted ones are what the approval benchmark approves.
ROLLUP_STATE_WEIGHTS = [
    (ReportState.APPROVED, 0.75),
    (ReportState.SUBMITTED, 0.15),
    (ReportState.RETURNED, 0.03),
    (ReportState.DRAFT, 0.07),
]
# Indicators of every rollup plan; each assignment carries both.
ROLLUP_INDICATORS = [
    ("bench-ratio", "科普活动参与率", "%", Aggregation.RATIO),
    ("bench-sum", "科普活动场次", "场", Aggregation.SUM),
]


@dataclass(frozen=True)
class Config:
    reports: int = 500_000
    orgs: int = 10_000
    users: int = 100_000
    provinces: int = 31
    prefectures_per_province: int = 10
    counties_per_prefecture: int = 8
    capital_counties: int = 16
    start_year: int = 2021
    end_year: int = 2025
    seed: int = 14_2021
    # "lists": the scoped-list data set; "rollups": 31 key tasks in 7 groups, 5–10 work items a
    # task, assignments within the plan's province, indicator values (the rollup benchmark).
    layout: str = "lists"

    @classmethod
    def small(cls, reports: int, **overrides) -> "Config":
        """A tree small enough for a test: 2 provinces, 60 organisations, 300 users."""
        shape = dict(
            orgs=60,
            users=300,
            provinces=2,
            prefectures_per_province=3,
            counties_per_prefecture=3,
            capital_counties=5,
        )
        return cls(reports=reports, **{**shape, **overrides})

    def as_dict(self) -> dict:
        values = asdict(self)
        if self.layout == "lists":  # as before the layouts, so stored data sets stay valid
            values.pop("layout")
            return {**values, "generator_version": GENERATOR_VERSION}
        return {**values, "generator_version": ROLLUP_GENERATOR_VERSION}


# The accounts the benchmark measures: (username, role, where), `where` as tree coordinates
# (province, prefecture, county) with None for "the node itself".
DESIGNATED = {
    "bench-province-reviewer": [("reviewer", (0, None, None))],
    "bench-prefecture-reviewer": [("reviewer", (0, 0, None))],
    "bench-prefecture-officer": [("officer", (0, 0, None))],
    "bench-county-officer": [("officer", (0, 1, 0))],
    "bench-multi-officer": [("officer", (0, 1, 1)), ("officer", (0, 2, 0)), ("officer", (0, 2, 1))],
    "bench-superuser": [],
}


@dataclass
class Node:
    id: int
    path: str
    level: str
    name: str
    province: int
    children: list = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.path) // Organization.steplen


@dataclass
class Tree:
    nodes: list[Node]  # in path order; ids are 1..n in the same order
    provinces: list[Node]

    def at(self, province: int, prefecture: int | None, county: int | None) -> Node:
        node = self.provinces[province]
        for index in (prefecture, county):
            if index is None:
                break
            node = node.children[index]
        return node


@dataclass
class Summary:
    orgs: int = 0
    users: int = 0
    memberships: int = 0
    permissions: int = 0
    plans: int = 0
    periods: int = 0
    work_items: int = 0
    assignments: int = 0
    reports: int = 0
    indicator_values: int = 0
    seconds: dict = field(default_factory=dict)


# -- bulk writing ------------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    return str(value)


class Writer:
    """Writes rows of one model with explicit ids; columns not given take the field's default."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def write(self, model, names: list[str], rows: Iterable[tuple], fixed: dict | None = None):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        fixed = dict(fixed or {})
        for attname, f in fields.items():
            if attname in names or attname in fixed:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fixed[attname] = self.now
            else:
                fixed[attname] = f.get_default()
            if fixed[attname] is None and not f.null:
                raise ValueError(f"{model.__name__}.{attname} needs a value")
        unknown = set(names) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        columns = [fields[n].column for n in names] + [fields[n].column for n in fixed]
        table = connection.ops.quote_name(model._meta.db_table)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        written = 0
        with connection.cursor() as cursor:
            if self.postgres:
                suffix = "".join("\t" + _copy_text(v) for v in fixed.values()) + "\n"
                sql = f"COPY {table} ({quoted}) FROM STDIN"
                for chunk in _chunks(rows, COPY_CHUNK):
                    buffer = io.StringIO()
                    buffer.writelines("\t".join(map(_copy_text, row)) + suffix for row in chunk)
                    buffer.seek(0)
                    cursor.copy_expert(sql, buffer)
                    written += len(chunk)
            else:
                prep = [fields[n] for n in names]
                tail = tuple(fields[n].get_db_prep_save(v, connection) for n, v in fixed.items())
                marks = ", ".join(["%s"] * len(columns))
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
                for chunk in _chunks(rows, COPY_CHUNK):
                    cursor.executemany(
                        sql,
                        [
                            tuple(
                                f.get_db_prep_save(v, connection)
                                for f, v in zip(prep, row, strict=True)
                            )
                            + tail
                            for row in chunk
                        ],
                    )
                    written += len(chunk)
        return written


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# The tables written here, children first; the wipe empties them in this order.
MODELS = [
    IndicatorRollup,
    ProgressRollup,
    RollupRequest,
    RollupSettings,
    IndicatorValue,
    ProgressReport,
    Assignment.indicators.through,
    Assignment,
    WorkItem,
    ReportingPeriod,
    Indicator,
    KeyTask,
    TaskGroup,
    Plan,
    OrganizationUserObjectPermission,
    Membership,
    Organization,
    get_user_model(),
]


def wipe() -> None:
    """Empty every table the generator writes (and, on PostgreSQL, whatever references them)."""
    tables = [m._meta.db_table for m in MODELS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            if connection.in_atomic_block:
                # Inside a transaction (a test), deferred foreign-key checks would block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            if connection.in_atomic_block:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for model in MODELS:
                through = [
                    f.remote_field.through._meta.db_table for f in model._meta.local_many_to_many
                ]
                for table in [*through, model._meta.db_table]:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def _finish(models) -> None:
    """Sequences past the explicit ids; fresh planner statistics."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            for model in models:
                table = connection.ops.quote_name(model._meta.db_table)
                # VACUUM also sets the visibility map (index-only scans); not inside a transaction.
                verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(f"{verb} {table}")


# -- the organisation tree ---------------------------------------------------------------------


def _step(position: int) -> str:
    """treebeard's path step for the `position`-th child (1-based)."""
    return Organization._int2str(position).rjust(Organization.steplen, Organization.alphabet[0])


def _spread(total: int, buckets: int) -> list[int]:
    """`total` split over `buckets` as evenly as possible, remainders spread out."""
    return [(k + 1) * total // buckets - k * total // buckets for k in range(buckets)]


def build_tree(config: Config) -> Tree:
    prefectures = config.provinces * config.prefectures_per_province
    counties_in_province = (
        config.capital_counties
        + (config.prefectures_per_province - 1) * config.counties_per_prefecture
    )
    counties = config.provinces * counties_in_province
    townships = config.orgs - config.provinces - prefectures - counties
    if townships < 0:
        raise ValueError(f"{config.orgs} organisations are too few for the tree's upper levels")
    township_counts = iter(_spread(townships, counties))

    provinces: list[Node] = []
    for p in range(config.provinces):
        province = Node(0, _step(p + 1), "province", f"第{p + 1:02d}省科协", p)
        provinces.append(province)
        for q in range(config.prefectures_per_province):
            prefecture = Node(
                0,
                province.path + _step(q + 1),
                "prefecture",
                f"{province.name}·第{q + 1}市州科协",
                p,
            )
            province.children.append(prefecture)
            n_counties = config.capital_counties if q == 0 else config.counties_per_prefecture
            for c in range(n_counties):
                county = Node(
                    0,
                    prefecture.path + _step(c + 1),
                    "county",
                    f"{prefecture.name}·第{c + 1}县科协",
                    p,
                )
                prefecture.children.append(county)
                for t in range(next(township_counts)):
                    county.children.append(
                        Node(
                            0,
                            county.path + _step(t + 1),
                            "township",
                            f"{county.name}·第{t + 1}乡镇科协",
                            p,
                        )
                    )
    nodes: list[Node] = []

    def walk(node: Node) -> None:
        node.id = len(nodes) + 1
        nodes.append(node)
        for child in node.children:
            walk(child)

    for province in provinces:
        walk(province)
    return Tree(nodes=nodes, provinces=provinces)


def write_tree(writer: Writer, tree: Tree) -> int:
    return writer.write(
        Organization,
        ["id", "path", "depth", "numchild", "code", "name", "name_en", "kind"],
        (
            (
                n.id,
                n.path,
                n.depth,
                len(n.children),
                f"bench-{n.path.lower()}",
                n.name,
                f"{n.level.title()} STA {n.path}",
                KIND[n.level].value,
            )
            for n in tree.nodes
        ),
        fixed={"is_active": True},
    )


# -- accounts, roles and their guardian permissions -----------------------------------------------


def write_accounts(writer: Writer, tree: Tree, config: Config) -> tuple[int, int, int, dict]:
    """Accounts, memberships and permission rows; returns the counts and org id → an officer id."""
    perm_ids = dict(
        Permission.objects.filter(content_type__app_label="orgs").values_list("codename", "id")
    )
    users: list[tuple] = []
    memberships: list[tuple[int, int, str]] = []  # (user, org, role)

    def add_user(username: str, superuser: bool = False) -> int:
        user_id = len(users) + 1
        users.append((user_id, username, "!" + secrets.token_urlsafe(30), superuser, superuser))
        return user_id

    for username, roles in DESIGNATED.items():
        user_id = add_user(username, superuser=username == "bench-superuser")
        for role, where in roles:
            memberships.append((user_id, tree.at(*where).id, role))

    generic = config.users - len(users)
    weights = [USER_WEIGHT[n.level] for n in tree.nodes]
    total_weight = sum(weights)
    exact = [generic * w / total_weight for w in weights]
    counts = [math.floor(x) for x in exact]
    leftovers = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in leftovers[: generic - sum(counts)]:
        counts[i] += 1

    officer_of: dict[int, int] = {}
    serial = 0
    county_officers = 0
    parent_of = {child.id: node for node in tree.nodes for child in node.children}
    for node, count in zip(tree.nodes, counts, strict=True):
        pattern = ROLE_PATTERN[node.level]
        for k in range(count):
            serial += 1
            user_id = add_user(f"u{serial:06d}")
            role = pattern[k % len(pattern)]
            memberships.append((user_id, node.id, role))
            if role == Role.OFFICER:
                officer_of.setdefault(node.id, user_id)
                if node.level == "county":
                    county_officers += 1
                    siblings = parent_of[node.id].children
                    if county_officers % SECOND_ROLE_EVERY == 0 and len(siblings) > 1:
                        other = siblings[(siblings.index(node) + 1) % len(siblings)]
                        memberships.append((user_id, other.id, role))

    joined = dt.datetime(config.start_year - 1, 12, 1, tzinfo=dt.UTC)
    writer.write(
        get_user_model(),
        ["id", "username", "password", "is_superuser", "is_staff"],
        users,
        fixed={
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": True,
            "date_joined": joined,
            "last_login": None,
        },
    )
    writer.write(
        Membership,
        ["id", "user_id", "organization_id", "role"],
        ((i, u, o, r) for i, (u, o, r) in enumerate(memberships, 1)),
        fixed={"granted_by_id": None},
    )
    grants = sorted(
        {(u, perm_ids[codename], o) for u, o, r in memberships for codename in role_permissions(r)}
    )
    writer.write(
        OrganizationUserObjectPermission,
        ["id", "user_id", "permission_id", "content_object_id"],
        ((i, *g) for i, g in enumerate(grants, 1)),
    )
    return len(users), len(memberships), len(grants), officer_of


# -- plans, periods, work items, assignments and reports ---------------------------------------


@dataclass
class PlanData:
    plan_of: dict[int, int]  # province index → plan id
    period_ids: dict[tuple[int, int, int], int]  # (province, year, quarter) → period id
    period_dates: dict[tuple[int, int], tuple[dt.date, dt.date]]  # (year, quarter) → (start, end)
    work_items: dict[tuple[int, int], tuple[int, int]]  # (province, index) → (work item id, year)
    n_periods: int
    n_work_items: int


def _quarter(year: int, q: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def write_plan_skeletons(
    writer: Writer, tree: Tree, config: Config, *, groups_per_plan: int, title: str
) -> dict[int, int]:
    """One plan per province with its task groups; returns plan id by province index."""
    plan_of = {p: p + 1 for p in range(config.provinces)}
    writer.write(
        Plan,
        ["id", "code", "organization_id", "title", "short_title", "start_year", "end_year"],
        (
            (
                plan_of[p],
                f"bench-plan-{p + 1:02d}",
                node.id,
                f"{node.name}“十四五”发展规划（{title}）",
                f"{node.name}规划",
                config.start_year,
                config.end_year,
            )
            for p, node in enumerate(tree.provinces)
        ),
    )
    groups = [
        (p * groups_per_plan + g + 1, plan_of[p], g + 1, f"（{g + 1}）", f"任务组{g + 1}")
        for p in range(config.provinces)
        for g in range(groups_per_plan)
    ]
    writer.write(TaskGroup, ["id", "plan_id", "number", "label", "title"], groups)
    return plan_of


def write_plans(writer: Writer, tree: Tree, config: Config, work_items_per_plan: int) -> PlanData:
    years = list(range(config.start_year, config.end_year + 1))
    plan_of = write_plan_skeletons(
        writer, tree, config, groups_per_plan=TASK_GROUPS_PER_PLAN, title="基准测试"
    )
    key_task_id = {}
    rows = []
    for p in range(config.provinces):
        for k in range(KEY_TASKS_PER_PLAN):
            key_task_id[p, k] = len(rows) + 1
            group = p * TASK_GROUPS_PER_PLAN + k * TASK_GROUPS_PER_PLAN // KEY_TASKS_PER_PLAN + 1
            rows.append(
                (key_task_id[p, k], plan_of[p], group, k + 1, f"重点任务{k + 1}", "任务内容。")
            )
    writer.write(KeyTask, ["id", "plan_id", "group_id", "number", "title", "text"], rows)

    period_ids, period_dates, rows = {}, {}, []
    for p in range(config.provinces):
        for year in years:
            for q in range(1, 5):
                start, end = period_dates[year, q] = _quarter(year, q)
                period_ids[p, year, q] = len(rows) + 1
                deadline = end + dt.timedelta(days=10)
                quarter = PeriodKind.QUARTER.value
                rows.append((len(rows) + 1, plan_of[p], quarter, year, q, start, end, deadline))
    writer.write(
        ReportingPeriod,
        ["id", "plan_id", "kind", "year", "number", "starts_on", "ends_on", "deadline"],
        rows,
    )

    # Work item w of a plan: year w mod (number of years), key task (w // years) mod key tasks.
    work_items, rows = {}, []
    for p in range(config.provinces):
        for w in range(work_items_per_plan):
            year = years[w % len(years)]
            k = (w // len(years)) % KEY_TASKS_PER_PLAN
            wid = len(rows) + 1
            work_items[p, w] = (wid, year)
            title = f"{year}年度重点工作{w + 1}"
            rows.append((wid, key_task_id[p, k], year, title, dt.date(year, 12, 31)))
    writer.write(WorkItem, ["id", "key_task_id", "year", "title", "due_date"], rows)
    return PlanData(plan_of, period_ids, period_dates, work_items, len(period_ids), len(rows))


def write_reports(
    writer: Writer, tree: Tree, config: Config, plans: PlanData, officer_of: dict, rng
) -> tuple[int, int]:
    """Assignments dealt round-robin over a shuffled organisation order, and their reports."""
    n_orgs = len(tree.nodes)
    n_assignments = math.ceil(config.reports / 4)
    order = list(tree.nodes)
    rng.shuffle(order)
    assignments = []  # (id, work item id, org id, role, province, year)
    for k in range(n_assignments):
        node = order[k % n_orgs]
        wid, year = plans.work_items[node.province, k // n_orgs]
        role = AssignmentRole.LEAD if node.level == "province" else AssignmentRole.SUPPORTING
        assignments.append((k + 1, wid, node.id, role.value, node.province, year))
    writer.write(
        Assignment,
        ["id", "work_item_id", "organization_id", "role"],
        (a[:4] for a in assignments),
    )

    by_year: dict[int, list[tuple]] = {}
    for a in assignments:
        by_year.setdefault(a[5], []).append(a)
    states = [s.value for s, _ in STATE_WEIGHTS]
    cumulative = []
    acc = 0.0
    for _, weight in STATE_WEIGHTS:
        acc += weight
        cumulative.append(acc)

    def pick_state(x: float) -> str:
        for state, bound in zip(states, cumulative, strict=True):
            if x < bound:
                return state
        return states[-1]

    def reports() -> Iterator[tuple]:
        # In time order, so that ids grow with time as they do in the portal.
        report_id = 0
        for year in sorted(by_year):
            for q in range(1, 5):
                end = plans.period_dates[year, q][1]
                base = dt.datetime.combine(end, dt.time(1, 0), tzinfo=dt.UTC)
                for aid, _wid, org_id, _role, province, _year in by_year[year]:
                    period_id = plans.period_ids[province, year, q]
                    officer = officer_of.get(org_id)
                    revisions = 2 if rng.random() < REVISION_SHARE else 1
                    for revision in range(1, revisions + 1):
                        if report_id >= config.reports:
                            return
                        report_id += 1
                        latest = revision == revisions
                        state = pick_state(rng.random()) if latest else ReportState.APPROVED.value
                        created = base + dt.timedelta(minutes=report_id % 14_400)
                        submitted = None if state == ReportState.DRAFT else created
                        reviewed = (
                            created + dt.timedelta(days=3)
                            if state in (ReportState.APPROVED, ReportState.RETURNED)
                            else None
                        )
                        yield (
                            report_id,
                            aid,
                            period_id,
                            org_id,
                            revision,
                            latest,
                            state,
                            Decimal(rng.randrange(0, 10_001)) / 100,
                            PROGRESS[report_id % len(PROGRESS)],
                            f"{year}年第{q}季度工作进展。",
                            created,
                            reviewed or submitted or created,
                            officer,
                            submitted,
                            officer if submitted else None,
                            reviewed,
                            None,
                        )

    written = writer.write(
        ProgressReport,
        [
            "id",
            "assignment_id",
            "period_id",
            "organization_id",
            "revision",
            "is_latest",
            "state",
            "percent_complete",
            "progress_status",
            "narrative",
            "created_at",
            "updated_at",
            "updated_by_id",
            "submitted_at",
            "submitted_by_id",
            "reviewed_at",
            "reviewed_by_id",
        ],
        reports(),
        fixed={
            "nothing_to_report": False,
            "problems": "",
            "next_steps": "",
            "review_comment": "",
            "version": 1,
        },
    )
    return len(assignments), written


# -- the rollup layout: the plan shape, indicator values -----------------------------------


def _province_nodes(tree: Tree) -> list[list[Node]]:
    nodes: list[list[Node]] = [[] for _ in tree.provinces]
    for node in tree.nodes:
        nodes[node.province].append(node)
    return nodes


def write_rollup_plans(writer: Writer, tree: Tree, config: Config, rng) -> PlanData:
    """One plan per province: 7 task groups, 31 key tasks, 5–10 annual work items a task,
    quarterly periods and the two indicators of ROLLUP_INDICATORS."""
    years = list(range(config.start_year, config.end_year + 1))
    plan_of = write_plan_skeletons(
        writer, tree, config, groups_per_plan=ROLLUP_GROUPS, title="汇总基准"
    )
    key_task_id, rows = {}, []
    for p in range(config.provinces):
        for k in range(ROLLUP_KEY_TASKS):
            key_task_id[p, k] = len(rows) + 1
            group = p * ROLLUP_GROUPS + k * ROLLUP_GROUPS // ROLLUP_KEY_TASKS + 1
            rows.append(
                (key_task_id[p, k], plan_of[p], group, k + 1, f"重点任务{k + 1}", "任务内容。")
            )
    writer.write(KeyTask, ["id", "plan_id", "group_id", "number", "title", "text"], rows)
    writer.write(
        Indicator,
        ["id", "plan_id", "code", "name", "unit", "aggregation", "target", "target_year"],
        (
            (
                p * len(ROLLUP_INDICATORS) + i + 1,
                plan_of[p],
                code,
                name,
                unit,
                aggregation.value,
                Decimal(100),
                config.end_year,
            )
            for p in range(config.provinces)
            for i, (code, name, unit, aggregation) in enumerate(ROLLUP_INDICATORS)
        ),
    )

    period_ids, period_dates, rows = {}, {}, []
    for p in range(config.provinces):
        for year in years:
            for q in range(1, 5):
                start, end = period_dates[year, q] = _quarter(year, q)
                period_ids[p, year, q] = len(rows) + 1
                deadline = end + dt.timedelta(days=10)
                quarter = PeriodKind.QUARTER.value
                rows.append((len(rows) + 1, plan_of[p], quarter, year, q, start, end, deadline))
    writer.write(
        ReportingPeriod,
        ["id", "plan_id", "kind", "year", "number", "starts_on", "ends_on", "deadline"],
        rows,
    )

    # Work item j of key task k falls in year (j + k) mod (number of years): each year has some.
    work_items, rows = {}, []
    for p in range(config.provinces):
        w = 0
        for k in range(ROLLUP_KEY_TASKS):
            for j in range(rng.randint(*ROLLUP_WORK_ITEMS)):
                year = years[(j + k) % len(years)]
                wid = len(rows) + 1
                work_items[p, w] = (wid, year)
                w += 1
                weight = Decimal(1 + (wid % 3))
                title = f"{year}年度重点工作{k + 1}-{j + 1}"
                rows.append((wid, key_task_id[p, k], year, title, weight, dt.date(year, 12, 31)))
    writer.write(WorkItem, ["id", "key_task_id", "year", "title", "weight", "due_date"], rows)
    return PlanData(plan_of, period_ids, period_dates, work_items, len(period_ids), len(rows))


def write_rollup_reports(
    writer: Writer, tree: Tree, config: Config, plans: PlanData, officer_of: dict, rng
) -> tuple[int, int, int]:
    """Assignments to organisations of the plan's province (the provincial STA leads), a report
    every quarter of the work item's year, and each organisation's indicator values."""
    n_assignments = math.ceil(config.reports / 4)
    members = _province_nodes(tree)
    items = sorted(plans.work_items.items(), key=lambda kv: kv[1][0])  # by work item id
    per_item = _spread(n_assignments, len(items))
    assignments = []  # (id, work item id, org id, role, province, year)
    for ((province, _w), (wid, year)), count in zip(items, per_item, strict=True):
        count = max(1, min(count, len(members[province])))
        chosen = [members[province][0], *rng.sample(members[province][1:], count - 1)]
        for node in chosen:
            lead = node.level == "province"
            role = AssignmentRole.LEAD if lead else AssignmentRole.SUPPORTING
            assignments.append((len(assignments) + 1, wid, node.id, role.value, province, year))
    writer.write(
        Assignment,
        ["id", "work_item_id", "organization_id", "role"],
        (a[:4] for a in assignments),
    )
    n_indicators = len(ROLLUP_INDICATORS)
    writer.write(
        Assignment.indicators.through,
        ["id", "assignment_id", "indicator_id"],
        (
            (a[0] * n_indicators + i - n_indicators + 1, a[0], a[4] * n_indicators + i + 1)
            for a in assignments
            for i in range(n_indicators)
        ),
    )

    by_year: dict[int, list[tuple]] = {}
    for a in assignments:
        by_year.setdefault(a[5], []).append(a)
    states = [s.value for s, _ in ROLLUP_STATE_WEIGHTS]
    cumulative, acc = [], 0.0
    for _, weight in ROLLUP_STATE_WEIGHTS:
        acc += weight
        cumulative.append(acc)

    def pick_state(x: float) -> str:
        for state, bound in zip(states, cumulative, strict=True):
            if x < bound:
                return state
        return states[-1]

    approved = ReportState.APPROVED.value
    random = rng.random
    randrange = rng.randrange

    def reports() -> Iterator[tuple]:
        report_id = 0
        for year in sorted(by_year):
            for q in range(1, 5):
                end = plans.period_dates[year, q][1]
                base = dt.datetime.combine(end, dt.time(1, 0), tzinfo=dt.UTC)
                narrative = f"{year}年第{q}季度工作进展。"
                for aid, _wid, org_id, _role, province, _year in by_year[year]:
                    period_id = plans.period_ids[province, year, q]
                    officer = officer_of.get(org_id)
                    revisions = 2 if random() < REVISION_SHARE else 1
                    for revision in range(1, revisions + 1):
                        if report_id >= config.reports:
                            return
                        report_id += 1
                        latest = revision == revisions
                        state = pick_state(random()) if latest else approved
                        created = base + dt.timedelta(minutes=report_id % 14_400)
                        submitted = None if state == ReportState.DRAFT else created
                        reviewed = (
                            created + dt.timedelta(days=3)
                            if state in (approved, ReportState.RETURNED)
                            else None
                        )
                        percent = max(0, min(100, 25 * q - randrange(0, 30) + 5 * revision))
                        yield (
                            report_id,
                            aid,
                            period_id,
                            org_id,
                            revision,
                            latest,
                            state,
                            percent,
                            PROGRESS[report_id % len(PROGRESS)],
                            narrative,
                            created,
                            reviewed or submitted or created,
                            officer,
                            submitted,
                            officer if submitted else None,
                            reviewed,
                        )

    written = writer.write(
        ProgressReport,
        [
            "id",
            "assignment_id",
            "period_id",
            "organization_id",
            "revision",
            "is_latest",
            "state",
            "percent_complete",
            "progress_status",
            "narrative",
            "created_at",
            "updated_at",
            "updated_by_id",
            "submitted_at",
            "submitted_by_id",
            "reviewed_at",
        ],
        reports(),
        fixed={
            "nothing_to_report": False,
            "problems": "",
            "next_steps": "",
            "review_comment": "",
            "version": 1,
            "reviewed_by_id": None,
        },
    )

    # One value of each indicator per organisation and quarter of a year it has assignments in.
    reporting = sorted({(a[2], a[4], a[5]) for a in assignments})  # (org, province, year)

    def values() -> Iterator[tuple]:
        value_id = 0
        for org_id, province, year in reporting:
            for q in range(1, 5):
                period_id = plans.period_ids[province, year, q]
                for i, (_code, _name, _unit, aggregation) in enumerate(ROLLUP_INDICATORS):
                    value_id += 1
                    state = pick_state(random())
                    indicator_id = province * n_indicators + i + 1
                    if aggregation == Aggregation.RATIO:
                        denominator = randrange(0, 200)  # now and then 0: no ratio
                        numerator = randrange(0, denominator + 1)
                        value = None
                    else:
                        numerator = denominator = None
                        value = randrange(0, 50)
                    yield (
                        value_id,
                        indicator_id,
                        org_id,
                        period_id,
                        value,
                        numerator,
                        denominator,
                        state,
                        officer_of.get(org_id),
                    )

    n_values = writer.write(
        IndicatorValue,
        [
            "id",
            "indicator_id",
            "organization_id",
            "period_id",
            "value",
            "numerator",
            "denominator",
            "state",
            "updated_by_id",
        ],
        values(),
        fixed={"report_id": None},
    )
    return len(assignments), written, n_values


# -- the whole data set ------------------------------------------------------------------------


def generate(config: Config, *, log=lambda message: None) -> Summary:
    """Replace every generated table's contents with the data set `config` describes."""
    import time

    rng = random.Random(config.seed)  # noqa: S311 - reproducible data, not secrets
    summary = Summary()
    writer = Writer()
    tree = build_tree(config)
    rounds = math.ceil(math.ceil(config.reports / 4) / len(tree.nodes))
    work_items_per_plan = max(MIN_WORK_ITEMS_PER_PLAN, rounds)
    rollups = config.layout == "rollups"

    started = time.perf_counter()
    wipe()
    summary.seconds["wipe"] = time.perf_counter() - started

    step = time.perf_counter()
    summary.orgs = write_tree(writer, tree)
    summary.users, summary.memberships, summary.permissions, officer_of = write_accounts(
        writer, tree, config
    )
    _finish(MODELS[-4:])
    summary.seconds["orgs_and_accounts"] = time.perf_counter() - step
    log(
        f"  {summary.orgs:,} organisations, {summary.users:,} users, "
        f"{summary.memberships:,} memberships, {summary.permissions:,} permission rows "
        f"({summary.seconds['orgs_and_accounts']:.1f}s)"
    )

    step = time.perf_counter()
    if rollups:
        plans = write_rollup_plans(writer, tree, config, rng)
    else:
        plans = write_plans(writer, tree, config, work_items_per_plan)
    summary.plans, summary.periods, summary.work_items = (
        len(plans.plan_of),
        plans.n_periods,
        plans.n_work_items,
    )
    if rollups:
        summary.assignments, summary.reports, summary.indicator_values = write_rollup_reports(
            writer, tree, config, plans, officer_of, rng
        )
    else:
        summary.assignments, summary.reports = write_reports(
            writer, tree, config, plans, officer_of, rng
        )
    summary.seconds["copy_reports"] = time.perf_counter() - step
    step = time.perf_counter()
    _finish(MODELS[:-4])
    summary.seconds["vacuum_analyze"] = time.perf_counter() - step
    log(
        f"  {summary.plans} plans, {summary.work_items:,} work items, "
        f"{summary.assignments:,} assignments, {summary.reports:,} reports, "
        f"{summary.indicator_values:,} indicator values "
        f"({summary.seconds['copy_reports']:.1f}s, vacuum/analyze "
        f"{summary.seconds['vacuum_analyze']:.1f}s)"
    )
    summary.seconds["total"] = time.perf_counter() - started
    return summary


def designated_users() -> dict:
    """The measured accounts by username."""
    return {u.username: u for u in get_user_model().objects.filter(username__in=DESIGNATED)}


def counts() -> dict:
    """Row counts of the generated tables, to tell whether a stored data set is complete."""
    return {
        "orgs": Organization.objects.count(),
        "users": get_user_model().objects.count(),
        "reports": ProgressReport.objects.count(),
    }
