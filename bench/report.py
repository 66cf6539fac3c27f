"""The benchmark's figures as checks, a plain-text table and the Markdown section of docs/performance.md."""

LIMIT = 2.0  # a scoped list may take at most twice the unscoped one


def checks(results: dict) -> dict:
    runs = results["runs"]
    users = list(runs[0]["lists"])
    per_user = {u: sorted({run["lists"][u]["queries"]["scoped"] for run in runs}) for u in users}
    pages = list(runs[0]["review_page"])
    per_page = {p: sorted({run["review_page"][p]["queries"] for run in runs}) for p in pages}
    ratios = [run["lists"][u]["ratio"]["list"]["median_ms"] for run in runs for u in run["lists"]]
    page_ratios = [
        run["lists"][u]["ratio"]["page"]["median_ms"] for run in runs for u in run["lists"]
    ]
    over = [
        f"{item['label']} at {run['reports']:,} ({item['ratio']['page']['median_ms']:.2f}×)"
        for run in runs
        for item in run["lists"].values()
        if item["ratio"]["page"]["median_ms"] > LIMIT
    ]
    return {
        "queries_constant": all(len(counts) == 1 for counts in per_user.values()),
        "queries_per_scoped_list": per_user,
        "review_page_queries_constant": all(len(c) == 1 for c in per_page.values()),
        "review_page_queries": per_page,
        "rows_in_scope": all(run["lists"][u]["rows_ok"] for run in runs for u in run["lists"]),
        "list_within_2x": all(r <= LIMIT for r in ratios),
        "page_within_2x": all(r <= LIMIT for r in page_ratios),
        "worst_list_ratio": max(ratios),
        "worst_page_ratio": max(page_ratios),
        "pages_over_2x": over,
    }


def _ms(figures: dict) -> str:
    return f"{figures['median_ms']:.1f} ({figures['p95_ms']:.1f})"


def _list_rows(results: dict) -> list[list[str]]:
    rows = []
    for run in results["runs"]:
        for item in run["lists"].values():
            rows.append(
                [
                    f"{run['reports']:,}",
                    item["label"],
                    f"{item['rows_in_scope']:,}",
                    f"{item['queries']['scoped']} / {item['queries']['unscoped']}",
                    _ms(item["scoped"]["list"]),
                    _ms(item["unscoped"]["list"]),
                    f"{item['ratio']['list']['median_ms']:.2f}×",
                    _ms(item["scoped"]["page"]),
                    _ms(item["unscoped"]["page"]),
                    f"{item['ratio']['page']['median_ms']:.2f}×",
                ]
            )
    return rows


LIST_HEADER = [
    "reports",
    "user",
    "rows in scope",
    "queries scoped / unscoped",
    "scoped list ms",
    "unscoped list ms",
    "ratio list",
    "scoped page ms",
    "unscoped page ms",
    "ratio page",
]


def _page_rows(results: dict) -> list[list[str]]:
    return [
        [
            f"{run['reports']:,}",
            item["label"],
            str(item["rows"]),
            str(item["queries"]),
            str(item["repeated"]) if item["repeated"] > 1 else "—",
            f"{item['median_ms']:.1f} ({item['p95_ms']:.1f})",
        ]
        for run in results["runs"]
        for item in run["review_page"].values()
    ]


PAGE_HEADER = [
    "reports",
    "GET /review/ as",
    "rows shown",
    "queries",
    "same query repeated",
    "ms median (p95)",
]


def _generation_rows(results: dict) -> list[list[str]]:
    rows = []
    for run in results["runs"]:
        g = run["generation"]
        rows.append(
            [
                f"{run['reports']:,}",
                f"{g['seconds']['total']:.0f} s",
                f"{g['peak_rss_mb']:.0f} MB (before: {g['rss_before_mb']:.0f} MB)",
                "reused" if g["reused"] else "generated in this run",
                f"{run['measure_seconds']:.0f} s",
            ]
        )
    return rows


GENERATION_HEADER = ["reports", "generation", "generator peak RSS", "this run", "measurement"]


def _markdown_table(header: list[str], rows: list[list[str]], right_from: int = 2) -> str:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    for row in rows:
        out.append(
            "  ".join(
                cell.ljust(w) if i < 2 else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    return "\n".join(out)


def _data_line(results: dict) -> str:
    run = results["runs"][-1]
    rows = run["generation"]["rows"]
    cfg = run["config"]
    sizes = " and ".join(f"{r['reports']:,}" for r in results["runs"])
    return (
        f"{rows['orgs']:,} organisations ({cfg['provinces']} provinces → prefectures → counties → "
        f"townships, treebeard paths), {rows['users']:,} users with {rows['memberships']:,} role "
        f"memberships and {rows['permissions']:,} guardian permission rows; {sizes} progress "
        "reports. Organisations and users are the same at every size; the assignments and "
        "reports grow with the size, each organisation's share in proportion."
    )


def _verdict(results: dict) -> str:
    c = results["checks"]
    counts = ", ".join(
        f"{u}: {'/'.join(map(str, q))}" for u, q in c["queries_per_scoped_list"].items()
    )
    pages = ", ".join(f"{u}: {'/'.join(map(str, q))}" for u, q in c["review_page_queries"].items())
    return (
        f"- Queries per scoped list (scope + page + count): {counts} — "
        f"{'the same at every size' if c['queries_constant'] else 'NOT constant'}.\n"
        f"- Scoped list (page + count) within 2× of unscoped: "
        f"{'yes' if c['list_within_2x'] else 'no'} (worst median ratio "
        f"{c['worst_list_ratio']:.2f}×).\n"
        f"- Scoped page alone within 2× of unscoped: {'yes' if c['page_within_2x'] else 'no'} "
        f"(worst {c['worst_page_ratio']:.2f}×"
        + (f"; over 2×: {', '.join(c['pages_over_2x'])}" if c["pages_over_2x"] else "")
        + ").\n"
        f"- Every scoped row lies in the user's subtrees: {'yes' if c['rows_in_scope'] else 'NO'}.\n"
        f"- /review/ queries the same at every size: "
        f"{'yes' if c['review_page_queries_constant'] else 'no'} ({pages}); a query repeated "
        "once per row shown makes a page's count grow with its length, not with the data."
    )


def markdown(results: dict) -> str:
    s = results["settings"]
    return (
        "\n\n".join(
            [
                f"### Scoped lists (`make bench`, {results['date']})",
                f"Machine: {results['machine']}.",
                f"Data: {_data_line(results)}",
                "A list is what a paginated page reads: the user's scopes (one query, a fresh request "
                f"each time), a page of {s['page_size']} reports with organisation, period and "
                "assignment → work item → key task, and the count for the pager. The baseline is the "
                "same page and count unscoped, measured in the same run, interleaved. Times in ms: "
                f"median (p95) of {s['iterations']} iterations after {s['warmup']} warm-up; ratio = "
                "scoped ÷ unscoped median.",
                _markdown_table(LIST_HEADER, _list_rows(results)),
                _verdict(results),
                f"`GET /review/` through Django's test client (session, middleware, template; "
                f"median (p95) of {s['page_iterations']} requests). The superuser's queue is the "
                "unscoped reference.",
                _markdown_table(PAGE_HEADER, _page_rows(results)),
                "Data generation (bulk COPY; later runs reuse the stored data):",
                _markdown_table(GENERATION_HEADER, _generation_rows(results), right_from=1),
            ]
        )
        + "\n"
    )


def text_table(results: dict) -> str:
    return "\n\n".join(
        [
            f"Scoped list of one page ({results['date']}; {results['machine']})",
            _text_table(LIST_HEADER, _list_rows(results)),
            _verdict(results),
            _text_table(PAGE_HEADER, _page_rows(results)),
            _text_table(GENERATION_HEADER, _generation_rows(results)),
            f"wall time {results['wall_seconds']:.0f} s",
        ]
    )


PROPOSAL_HEADER = [
    "reports",
    "user",
    "page shape",
    "scoped page ms",
    "unscoped page ms",
    "ratio page",
    "ratio list",
    "same rows",
]


def _proposal_rows(results: dict) -> list[list[str]]:
    rows = []
    for run in results["runs"]:
        for username, current in run["lists"].items():
            variants = {"current": current, **(run.get("proposal") or {}).get(username, {})}
            for variant, item in variants.items():
                rows.append(
                    [
                        f"{run['reports']:,}",
                        current["label"],
                        variant,
                        _ms(item["scoped"]["page"]),
                        _ms(item["unscoped"]["page"]),
                        f"{item['ratio']['page']['median_ms']:.2f}×",
                        f"{item['ratio']['list']['median_ms']:.2f}×",
                        "yes" if item.get("same_rows", True) else "NO",
                    ]
                )
    return rows


def proposal_markdown(results: dict) -> str:
    return (
        "\n\n".join(
            [
                f"### Proposed fix for mid-size scopes (`python -m bench --proposal`, {results['date']})",
                f"Machine: {results['machine']}.",
                "`current` is the portal's page query as it is. `ids first` selects the page's ids in a "
                "subquery (still one query) and joins the relations for those 50 rows only; "
                "`index (organization, id)` is a B-tree index on tasks_progressreport "
                "(organization_id, id), created in the benchmark's schema for the measurement and "
                "dropped afterwards. Times in ms, median (p95); ratios against the unscoped page "
                "measured in the same loop.",
                _markdown_table(PROPOSAL_HEADER, _proposal_rows(results), right_from=3),
            ]
        )
        + "\n"
    )


def proposal_table(results: dict) -> str:
    return _text_table(PROPOSAL_HEADER, _proposal_rows(results))


# -- rollups -------------------------------------------------------------------------------------

ROLLUP_FULL_GOAL = 1.5  # full recompute ÷ one hand-written GROUP BY pass
ROLLUP_CHAIN_GOAL_MS = 50.0  # the recompute after one approval


def rollup_checks(rollups: dict) -> dict:
    runs = rollups["runs"]
    chain = [run["approval"]["chain"]["median_ms"] for run in runs]
    # the goal is end to end: the approval's transaction, its outbox row and the job's chain
    end_to_end = [run["approval"]["approve"]["median_ms"] for run in runs]
    queries = sorted({q for run in runs for q in run["approval"]["chain_queries"]})
    # A chain's reads must not grow with the data; its writes depend on what changed (at most
    # one statement a level).
    ranges = [
        (min(run["approval"]["chain_queries"]), max(run["approval"]["chain_queries"]))
        for run in runs
    ]
    return {
        "full_within_goal": all(run["full"]["ratio"] <= ROLLUP_FULL_GOAL for run in runs),
        "worst_full_ratio": max(run["full"]["ratio"] for run in runs),
        "chain_under_50ms": all(ms < ROLLUP_CHAIN_GOAL_MS for ms in chain),
        "chain_median_ms": chain,
        "approval_under_50ms": all(ms < ROLLUP_CHAIN_GOAL_MS for ms in end_to_end),
        "approval_median_ms": end_to_end,
        "chain_queries": queries,
        # a chain reads once per level and once per ancestor of the report's organisation, so
        # its count varies with the organisation's depth; the most at each size must not grow
        "chain_queries_constant": max(hi for _, hi in ranges) - min(hi for _, hi in ranges) <= 1,
        "chain_writes": sorted(
            {w for run in runs for w in run["approval"].get("chain_writes", [])}
        ),
        "same_rows": all(run["full"]["same_rows"]["same"] for run in runs),
        "same_figures": [run["full"].get("same_figures_check") for run in runs],
        "worst_same_figures_ratio": max(
            (run["full"].get("same_figures_ratio", 0) for run in runs), default=0
        ),
    }


def _s(figures: dict) -> str:
    ms = figures["median_ms"]
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def _rollup_rows(rollups: dict) -> list[list[str]]:
    rows = []
    for run in rollups["runs"]:
        full, approval, memory = run["full"], run["approval"], run["memory"]
        plan = full["plan_rows"]
        rows.append(
            [
                f"{run['reports']:,}",
                f"{plan['reports']:,} / {plan['assignments']:,}",
                f"{full['counted_run']['seconds']:.2f} s / "
                f"{full['counted_run'].get('ratio', float('nan')):.1f}×",
                _s(full["full"]),
                _s(full["baseline"]),
                f"{full['ratio']:.1f}×",
                _s(full["same_figures"]) if "same_figures" in full else "—",
                f"{full['same_figures_ratio']:.1f}×" if "same_figures_ratio" in full else "—",
                _ms(approval["chain"]),
                "/".join(map(str, approval["chain_queries"]))
                + " + "
                + "/".join(map(str, approval.get("chain_writes", []))),
                _ms(approval["approve"]),
                "/".join(map(str, approval["approve_queries"])),
                f"{memory['peak_mb']:.0f} MB (before: {memory['before_mb']:.0f} MB)",
            ]
        )
    return rows


ROLLUP_HEADER = [
    "reports",
    "plan's reports / assignments",
    "cold full recompute (every row written) / ratio",
    "full recompute",
    "GROUP BY baseline",
    "ratio (goal ≤ 1.5)",
    "same figures, hand-written",
    "ratio to it",
    "chain after one approval ms",
    "chain lookups + level statements",
    "approve + chain ms",
    "approve queries",
    "worker peak RSS, full recompute",
]


def _level_rows(rollups: dict) -> list[list[str]]:
    rows = []
    for run in rollups["runs"]:
        counted = run["full"]["counted_run"]
        for level, figures in counted["levels"].items():
            rows.append(
                [
                    f"{run['reports']:,}",
                    level,
                    f"{figures['seconds']:.2f} s",
                    f"{figures['queries']:,}",
                ]
            )
        rows.append(
            [
                f"{run['reports']:,}",
                "**total**",
                f"{counted['seconds']:.2f} s",
                f"{counted['queries']:,}",
            ]
        )
    return rows


def _rollup_generation_rows(rollups: dict) -> list[list[str]]:
    rows = []
    for run in rollups["runs"]:
        g = run["generation"]
        r = g.get("rows", {})
        rows.append(
            [
                f"{run['reports']:,}",
                f"{r.get('work_items', 0):,} / {r.get('assignments', 0):,} / "
                f"{r.get('indicator_values', 0):,}",
                f"{g['seconds']['total']:.0f} s",
                f"{g['peak_rss_mb']:.0f} MB",
                "reused" if g["reused"] else "generated in this run",
                f"{run['measure_seconds']:.0f} s",
            ]
        )
    return rows


ROLLUP_GENERATION_HEADER = [
    "reports",
    "work items / assignments / indicator values",
    "generation",
    "generator peak RSS",
    "this run",
    "measurement",
]


def _rollup_verdict(rollups: dict) -> str:
    c = rollups["checks"]
    runs = rollups["runs"]
    same = ", ".join(
        f"{run['reports']:,}: {run['full']['same_rows']['rows']:,} rows"
        + (
            ""
            if run["full"]["same_rows"]["same"]
            else f" ({run['full']['same_rows']['mismatched']} differ, "
            f"{run['full']['same_rows']['missing']} missing)"
        )
        for run in runs
    )
    chain = ", ".join(f"{ms:.1f} ms" for ms in c["chain_median_ms"])
    approval = ", ".join(f"{ms:.1f} ms" for ms in c.get("approval_median_ms", []))
    completeness = "; ".join(
        f"{run['reports']:,}: a period opened {run['completeness']['period_opened']['median_ms']:.0f}"
        f" ms (every row written), a tree change {run['completeness']['tree_change_seconds']} s "
        f"({run['completeness']['tree_change_periods']} periods of "
        f"{run['completeness']['plans']} plans, one job each, here run serially)"
        for run in runs
        if "completeness" in run
    )
    return (
        f"- Approval end to end (its transaction, the outbox row, the eager job's chain) under "
        f"50 ms: {'yes' if c.get('approval_under_50ms') else 'no'} (median {approval}).\n"
        + (f"- What completeness costs: {completeness}.\n" if completeness else "")
        + f"- Full recompute within 1.5× of the GROUP BY pass: "
        f"{'yes' if c['full_within_goal'] else 'no'} (worst {c['worst_full_ratio']:.1f}×).\n"
        f"- Chain recompute after one approval under 50 ms: "
        f"{'yes' if c['chain_under_50ms'] else 'no'} (median {chain}); lookups per chain "
        f"{'/'.join(map(str, c['chain_queries']))} — "
        f"{'the most at each size the same ±1' if c['chain_queries_constant'] else 'GROWS with the data'}"
        f"; level statements {'/'.join(map(str, c.get('chain_writes', [])))} (one a level and "
        "one a tree level above the report's organisation, each computing and storing its "
        "rows; the chain is flagged stale first, so it rewrites all of them).\n"
        f"- The baseline's work item rows equal those rollup_full stored: "
        f"{'yes' if c['same_rows'] else 'NO'} ({same}).\n"
        f"- Every figure rollup_full stored (work items, key tasks, groups, plan, indicators, for "
        f"all organisations and each subtree) equals the hand-written same-figures SQL: "
        + ", ".join(
            f"{run['reports']:,}: "
            + (
                "not measured"
                if not f
                else f"{'yes' if f['same'] else 'NO'} ({f['rows']:,} figures"
                + ("" if f["same"] else f", {f['mismatched']} differ")
                + ")"
            )
            for run, f in zip(runs, c.get("same_figures", []), strict=False)
        )
        + f"; the full recompute takes at most {c.get('worst_same_figures_ratio', 0):.1f}× it."
    )


def rollup_markdown(rollups: dict) -> str:
    run = rollups["runs"][-1]
    full, approval = run["full"], run["approval"]
    rows = run["generation"].get("rows", {})
    sizes = " and ".join(f"{r['reports']:,}" for r in rollups["runs"])
    return (
        "\n\n".join(
            [
                f"### Rollups (`python -m bench rollups`, {rollups['date']})",
                f"Machine: {rollups['machine']}.",
                f"Data: the same {rows.get('orgs', 0):,} organisations and "
                f"{rows.get('users', 0):,} users; {rows.get('plans', 0)} plans (one per "
                "province), 31 key tasks each in 7 groups, 5–10 annual work items a task, "
                "quarterly periods 2021–2025; assignments to organisations of the plan's "
                "province (the provincial STA leads), a report every quarter of the work item's "
                "year (5% with a second revision; 75% approved), each assignment carrying a ratio "
                "indicator (numerator/denominator, %) and a sum indicator, one value of each per "
                f"organisation and quarter; {sizes} progress reports.",
                f"Full recompute: {full['scope']}. The baseline is one hand-written SQL GROUP BY "
                "per period over the same rows (latest approved report per assignment by DISTINCT "
                "ON, weighted by role, averaged per work item for all organisations and for each "
                "organisation's subtree), read but not written: the practical limit of the "
                "assignment → work item levels. Same figures, hand-written: one SQL statement "
                "computing every figure rollup_full stores — progress of work items, key tasks, "
                "groups and the plan for all organisations and each subtree, and the indicators "
                "per subtree — read, not written, with no status, missing lists or explanations "
                "(bench/rollups.py SAME_FIGURES); interleaved too, and compared figure by figure. Cold: one counted run after deleting the "
                "period's rollup rows, so every row is written. Full recompute: the nightly case, "
                "rows stored, only changed figures rewritten; interleaved with the baseline, "
                f"median of {full['repeats']}. Chain: the recompute_chain job's work, "
                "rollup_chain(work item, period, organisation), after approving a submitted "
                "report, its rows flagged stale first (as when the broker was down) so that it "
                "rewrites all of them; approve + chain: tasks.services.report_approve with the "
                "eager job (no "
                f"broker). Median (p95) of {approval['iterations']} after {approval['warmup']} "
                "warm-up. Peak RSS: a fresh worker process running the full recompute.",
                _markdown_table(ROLLUP_HEADER, _rollup_rows(rollups), right_from=1),
                _rollup_verdict(rollups),
                "Where the cold full recompute's time goes (the counted run; seconds and queries "
                "per level, over the measured periods):",
                _markdown_table(
                    ["reports", "level", "seconds", "queries"], _level_rows(rollups), right_from=2
                ),
                "Data generation (bulk COPY; later runs reuse the stored data):",
                _markdown_table(
                    ROLLUP_GENERATION_HEADER, _rollup_generation_rows(rollups), right_from=1
                ),
            ]
        )
        + "\n"
    )


def rollup_text(rollups: dict) -> str:
    return "\n\n".join(
        [
            f"Rollups ({rollups['date']}; {rollups['machine']})",
            _text_table(ROLLUP_HEADER, _rollup_rows(rollups)),
            _rollup_verdict(rollups),
            _text_table(["reports", "level", "seconds", "queries"], _level_rows(rollups)),
            _text_table(ROLLUP_GENERATION_HEADER, _rollup_generation_rows(rollups)),
        ]
    )
