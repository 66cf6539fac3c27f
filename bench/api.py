"""The API benchmark: a 100-row page of /api/v1/indicator-values/ as the API serves it (Django's
test client, a signed-in reviewer of the first province, JSON) against the same rows fetched with
one raw SQL query and serialised with the standard json module; the API's query count per page,
at the national-scale rollup data sets (bench_roll100k, bench_roll1m), read only.

    python -m bench api [--rollup-sizes 100000,1000000] [--page-iterations 15]

Figures to bench/results/latest-api.json and latest-api.md.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from . import db

RESULTS = Path(__file__).resolve().parent / "results"
USERNAME = "bench-province-reviewer"
PAGE_SIZE = 100


def _setup(schema: str) -> None:
    """Django pointed at `schema`, without migrating: the API only reads the generated rows."""
    url = db.database_url()
    db._parts(url)  # refuses the portal's databases
    os.environ["DJANGO_SETTINGS_MODULE"] = "qhsta.settings.local"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings

    settings.DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c search_path={schema}"
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],  # measured, not rate-limited
    }
    django.setup()


RAW_SQL = """
SELECT v.id, v.indicator_id AS indicator, i.code AS indicator_code, o.code AS organization,
       o.name AS organization_name, v.period_id AS period, p.kind AS period_kind,
       p.year AS period_year, p.number AS period_number, v.value, v.numerator, v.denominator,
       v.state AS status, v.report_id AS report, r.version AS report_version, v.updated_at
FROM tasks_indicatorvalue v
JOIN plan_indicator i ON i.id = v.indicator_id
JOIN orgs_organization o ON o.id = v.organization_id
JOIN tasks_reportingperiod p ON p.id = v.period_id
LEFT JOIN tasks_progressreport r ON r.id = v.report_id
WHERE ({scope})
ORDER BY v.indicator_id, v.period_id, o.path
LIMIT %s OFFSET %s
"""


def _default(value):
    if isinstance(value, Decimal):
        return float(value)
    return value.isoformat()


def _raw_page(scope_paths: list[str], page: int) -> tuple[bytes, int]:
    from django.db import connection

    scope = " OR ".join(["o.path LIKE %s"] * len(scope_paths)) or "FALSE"
    params = [f"{p}%" for p in scope_paths] + [PAGE_SIZE, (page - 1) * PAGE_SIZE]
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL.format(scope=scope), params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.dumps(rows, default=_default, ensure_ascii=False).encode(), len(rows)


def _figures(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 2),
        "n": len(ordered),
    }


def _interleaved(first, second, iterations: int, warmup: int = 5) -> tuple[dict, dict]:
    """Both timed in turn, so a busy moment of the machine weighs on both alike."""
    for _ in range(warmup):
        first()
        second()
    a, b = [], []
    for _ in range(iterations):
        for function, samples in ((first, a), (second, b)):
            started = time.perf_counter()
            function()
            samples.append(time.perf_counter() - started)
    return _figures(a), _figures(b)


def worker(args) -> int:
    size = args.api_worker
    schema = db.schema_for(size, "rollups")
    _setup(schema)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from qhsta.scoping import Action, user_scope
    from tasks.models import IndicatorValue

    user = get_user_model().objects.get(username=USERNAME)
    paths = list(user_scope(user, Action.VIEW).paths)
    in_scope = IndicatorValue.objects.restrict(user).count()
    pages = []
    for page in (1, max(1, in_scope // PAGE_SIZE // 2)):  # the first page and one mid-way
        url = f"/api/v1/indicator-values/?page_size={PAGE_SIZE}&page={page}"

        def api(url=url):
            for cached in ("_qhsta_scopes", "_qhsta_can"):
                user.__dict__.pop(cached, None)  # the scopes are read per request, as served
            client = APIClient()
            client.force_authenticate(user)  # no session or token row written
            response = client.get(url, HTTP_ACCEPT="application/json")
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code} {response.content[:300]!r}")
            return response

        body = json.loads(api().content)
        raw_body, _ = _raw_page(paths, page)
        same = [r["id"] for r in body["results"]] == [r["id"] for r in json.loads(raw_body)]
        queries = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                api()
            queries.append(len(captured))
        api_figures, raw_figures = _interleaved(
            api, lambda page=page: _raw_page(paths, page), args.page_iterations
        )
        pages.append(
            {
                "page": page,
                "rows": len(body["results"]),
                "same_rows": same,
                "queries": queries[-1],
                "api": api_figures,
                "raw": raw_figures,
                "ratio": round(api_figures["median_ms"] / raw_figures["median_ms"], 2),
            }
        )
        print(
            f"  page {page}: API {api_figures['median_ms']} ms ({queries[-1]} queries), raw SQL + "
            f"json {raw_figures['median_ms']} ms, ratio {pages[-1]['ratio']}",
            flush=True,
        )
    document = {
        "reports": size,
        "schema": schema,
        "values_total": IndicatorValue.objects.count(),
        "values_in_scope": in_scope,
        "user": USERNAME,
        "pages": pages,
    }
    Path(args.out).write_text(json.dumps(document, ensure_ascii=False))
    return 0


def markdown(results: dict) -> str:
    lines = [
        "| data set | values (in the client's scope) | page | API median / p95 | raw SQL + json "
        "median / p95 | API ÷ raw | queries per page | same rows |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in results["runs"]:
        for page in run["pages"]:
            lines.append(
                f"| {run['reports']:,} reports | {run['values_total']:,} ({run['values_in_scope']:,}) "
                f"| {page['page']} | {page['api']['median_ms']} / {page['api']['p95_ms']} ms "
                f"| {page['raw']['median_ms']} / {page['raw']['p95_ms']} ms | {page['ratio']}× "
                f"| {page['queries']} | {'yes' if page['same_rows'] else 'NO'} |"
            )
    checks = results["checks"]
    lines += [
        "",
        f"Goal within 3×: {'met' if checks['within_3x'] else 'not met'}; "
        f"queries per page constant: {'yes' if checks['queries_constant'] else 'no'} "
        f"({results['date']}, {results['machine']}).",
    ]
    return "\n".join(lines) + "\n"


def run(args, machine: str = "") -> int:
    """Each size in its own worker process; results to latest-api.json and latest-api.md."""
    runs = []
    sizes = sorted(int(s.replace("_", "")) for s in args.rollup_sizes.split(",") if s.strip())
    for size in sizes:
        print(
            f"== API page, {size:,} reports (schema {db.schema_for(size, 'rollups')})", flush=True
        )
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        command = [
            sys.executable,
            "-m",
            "bench",
            f"--page-iterations={args.page_iterations}",
            "--api-worker",
            str(size),
            "--out",
            out,
        ]
        if subprocess.run(command, check=False).returncode:  # noqa: S603
            print(f"the API worker for {size:,} reports failed", file=sys.stderr)
            return 1
        runs.append(json.loads(Path(out).read_text()))
        os.unlink(out)
    pages = [page for r in runs for page in r["pages"]]
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine,
        "page_size": PAGE_SIZE,
        "runs": runs,
        "checks": {
            "within_3x": all(p["ratio"] <= 3 for p in pages),
            "queries_constant": len({p["queries"] for p in pages}) == 1,
            "same_rows": all(p["same_rows"] for p in pages),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest-api.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )
    (RESULTS / "latest-api.md").write_text(markdown(results))
    print(markdown(results))
    return 0 if results["checks"]["queries_constant"] and results["checks"]["same_rows"] else 1
