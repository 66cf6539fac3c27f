"""The scoped list benchmark: one page of progress reports, scoped and unscoped.

A paginated list does two things: it fetches one page (here the 50 newest reports, with the
relations a list shows) and counts the rows for the pager. Scoped, it first reads the user's scopes
(one query per request); `user.__dict__["_qhsta_scopes"]` is dropped before every iteration so
each one is a fresh request. The unscoped baseline is the same page and count without
`restrict()`, in the same process, interleaved with the scoped runs (the order alternates) so
that drift hits both alike.
"""

import gc
import re
import statistics
import time
from collections import Counter
from contextlib import contextmanager

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qhsta.scoping import Action, user_scope
from qhsta.scoping.pagination import ids_first
from tasks.models import ProgressReport

PAGE = 50
SELECT_RELATED = ("organization", "period", "assignment__work_item__key_task")

# (username, label, action) of the lists measured.
MEASURED = [
    ("bench-province-reviewer", "province reviewer", Action.VIEW),
    ("bench-prefecture-officer", "prefecture officer", Action.VIEW),
    ("bench-county-officer", "county officer", Action.VIEW),
    ("bench-multi-officer", "officer at 3 counties", Action.VIEW),
]
# (username, label) of the review page, scoped and (a superuser) unscoped.
REVIEW_PAGE = [
    ("bench-prefecture-reviewer", "prefecture reviewer"),
    ("bench-province-reviewer", "province reviewer"),
    ("bench-superuser", "superuser (unscoped)"),
]


def fresh_request(user) -> None:
    """Forget the scopes read for the previous request."""
    user.__dict__.pop("_qhsta_scopes", None)


def scoped_queryset(user, action: Action = Action.VIEW):
    fresh_request(user)
    return ProgressReport.objects.restrict(user, action)


def unscoped_queryset(user=None, action=None):
    return ProgressReport.objects.all()


def page_rows(queryset) -> list:
    """One page as the portal's lists read it (qhsta.scoping.pagination): newest first, the
    page's keys picked before the relations are joined."""
    ordered = queryset.select_related(*SELECT_RELATED).order_by("-id")
    return list(ids_first(ordered, 0, PAGE))


def page_rows_ids_first(queryset) -> list:
    """The proposed shape: the page's ids first (a subquery), then the relations of those only.

    Still one query; PostgreSQL sorts the scoped ids before it joins the relations, instead of
    joining every row in scope and sorting afterwards.
    """
    ids = queryset.order_by("-id").values("pk")[:PAGE]
    return list(
        ProgressReport.objects.filter(pk__in=ids).select_related(*SELECT_RELATED).order_by("-id")
    )


PAGE_SHAPES = {"current": page_rows, "ids_first": page_rows_ids_first}


def list_page(queryset, page=page_rows) -> tuple[list, int]:
    """What a paginated list reads: one page with its relations, and the count."""
    return page(queryset), queryset.count()


def _run(make, user, action, page=page_rows) -> tuple[float, float, int, int]:
    """One list: (page ms, count ms, rows on the page, rows in all); the page includes the scope."""
    started = time.perf_counter()
    queryset = make(user, action)
    rows = page(queryset)
    paged = time.perf_counter()
    total = queryset.count()
    counted = time.perf_counter()
    return (paged - started) * 1000, (counted - paged) * 1000, len(rows), total


def queries_of(make, user, action=Action.VIEW, page=page_rows) -> list[str]:
    """The SQL of one list, scope lookup included."""
    with CaptureQueriesContext(connection) as ctx:
        list_page(make(user, action), page)
    return [q["sql"] for q in ctx.captured_queries]


@contextmanager
def no_gc():
    """Timed loops run without the cyclic garbage collector (as timeit does); collected before."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]  # nearest rank
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "min_ms": round(ordered[0], 3),
    }


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


def measure_list(
    user, action: Action = Action.VIEW, *, iterations=30, warmup=5, shape="current"
) -> dict:
    """Scoped against unscoped list of one page for `user`: query counts, times, ratios.

    `shape` is the scoped page's query shape (PAGE_SHAPES); the unscoped baseline is always the
    portal's current one.
    """
    page = PAGE_SHAPES[shape]
    scoped_sql = queries_of(scoped_queryset, user, action, page)
    unscoped_sql = queries_of(unscoped_queryset, user, action)
    samples = {"scoped": {"page": [], "list": []}, "unscoped": {"page": [], "list": []}}
    seen = {}
    with no_gc():
        for i in range(warmup + iterations):
            order = [("scoped", scoped_queryset, page), ("unscoped", unscoped_queryset, page_rows)]
            if i % 2:
                order.reverse()
            for name, make, shape_of in order:
                page_ms, count_ms, rows, total = _run(make, user, action, shape_of)
                seen[name] = (rows, total)
                if i >= warmup:
                    samples[name]["page"].append(page_ms)
                    samples[name]["list"].append(page_ms + count_ms)
    result = {
        "shape": shape,
        "queries": {"scoped": len(scoped_sql), "unscoped": len(unscoped_sql)},
        "page_rows": seen["scoped"][0],
        "rows_in_scope": seen["scoped"][1],
        "rows_in_table": seen["unscoped"][1],
        "scope_paths": list(user_scope(user, action).paths),
        "scoped": {part: stats(s) for part, s in samples["scoped"].items()},
        "unscoped": {part: stats(s) for part, s in samples["unscoped"].items()},
        "sql": {"scoped": scoped_sql, "unscoped": unscoped_sql},
    }
    result["ratio"] = {
        part: {
            stat: _ratio(result["scoped"][part][stat], result["unscoped"][part][stat])
            for stat in ("median_ms", "p95_ms")
        }
        for part in ("page", "list")
    }
    return result


def check_rows_in_scope(user, action: Action = Action.VIEW) -> bool:
    """Every row of the scoped page lies in one of the user's subtrees."""
    scope = user_scope(user, action)
    rows = page_rows(scoped_queryset(user, action))
    return all(scope.covers(r.organization.path) for r in rows)


def explain(user, action: Action = Action.VIEW, shape="current", unscoped=True) -> str:
    """EXPLAIN ANALYZE of every query of the scoped (and the unscoped) list (PostgreSQL)."""
    out = []
    lists = [("scoped", scoped_queryset, PAGE_SHAPES[shape])]
    if unscoped:
        lists.append(("unscoped", unscoped_queryset, page_rows))
    for name, make, page in lists:
        for sql in queries_of(make, user, action, page):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.append(f"-- {name}\n{sql}\n{plan}\n")
    return "\n".join(out)


def _shape(sql: str) -> str:
    """A query's text without its values."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def measure_page(user, path: str, *, iterations=15, warmup=3) -> dict:
    """A real page through the test client: status, queries, rows shown and time per request."""
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    captured = ctx.captured_queries  # now: the next request empties the connection's log
    shapes = Counter(_shape(q["sql"]) for q in captured)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} as {user.username} answered {response.status_code}")
    samples = []
    with no_gc():
        for i in range(warmup + iterations):
            started = time.perf_counter()
            client.get(path)
            if i >= warmup:
                samples.append((time.perf_counter() - started) * 1000)
    return {
        "path": path,
        "status": response.status_code,
        "queries": len(captured),
        # The most repeated query (same SQL but for its values): a query per row shows up here.
        "repeated": shapes.most_common(1)[0][1] if shapes else 0,
        "db_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
        "rows": response.content.count(b'class="queued-report"'),
        **stats(samples),
    }


# -- the proposed fix, measured on demand (python -m bench --proposal) ---------------------------

PROPOSED_INDEX = "bench_proposed_report_org_id"
PROPOSAL_VARIANTS = [
    # (name, page shape, with the proposed index)
    ("ids first", "ids_first", False),
    ("index (organization, id)", "current", True),
    ("ids first + index", "ids_first", True),
]


def proposed_index(present: bool) -> None:
    """Create or drop the proposed index in the benchmark's schema (never in the portal's)."""
    table = connection.ops.quote_name(ProgressReport._meta.db_table)
    with connection.cursor() as cursor:
        if present:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PROPOSED_INDEX} ON {table} (organization_id, id)"
            )
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {PROPOSED_INDEX}")


def same_rows(user, action: Action = Action.VIEW) -> bool:
    """The proposed page shape returns the very rows of the current one, in the same order."""
    current = [r.pk for r in page_rows(scoped_queryset(user, action))]
    return current == [r.pk for r in page_rows_ids_first(scoped_queryset(user, action))]


def measure_proposal(users: dict, *, iterations=30, warmup=5) -> tuple[dict, str]:
    """Every proposal variant for every measured list; returns the figures and the query plans."""
    figures: dict = {}
    plans = []
    try:
        for variant, shape, with_index in PROPOSAL_VARIANTS:
            proposed_index(with_index)
            for username, label, action in MEASURED:
                user = users[username]
                result = measure_list(
                    user, action, iterations=iterations, warmup=warmup, shape=shape
                )
                result.pop("sql")
                result.update(label=label, same_rows=same_rows(user, action))
                figures.setdefault(username, {})[variant] = result
                plans.append(
                    f"==== proposal: {variant} · {label}\n"
                    + explain(user, action, shape=shape, unscoped=False)
                )
    finally:
        proposed_index(False)
    return figures, "\n".join(plans)
