"""Reads for the dashboards: stored rollup rows and the plan's structure, through the scoping API.

Nothing here aggregates reports: every figure is a stored ProgressRollup or IndicatorRollup row
(tasks/rollups/compute.py computes them). Every query is bounded by the plan's structure (7 groups, 31
tasks, a few indicators, the organisations compared) or by a LIMIT, so a dashboard runs the same
queries however many reports lie behind it.

Whose figures: the rollups hold each level for all organisations (org_key 0) and for each
organisation's subtree (org_key = its id). A user whose view covers the plan's organisation sees
the whole plan (org_key 0) and may pick any organisation; anyone else sees the subtree of an
organisation they hold a role at, never the province-wide rows (which would carry other
prefectures' figures).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, IntegerField, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from orgs.choices import OrganizationKind
from orgs.models import Organization
from plan.models import Indicator, KeyTask, Plan, TaskGroup
from qhsta.scoping import Action, user_scope
from tasks.choices import AssignmentRole, ReportState
from tasks.models import (
    Assignment,
    Evidence,
    IndicatorRollup,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
    RollupLevel,
    RollupStatus,
    WorkItem,
)

from .paths import (
    Thresholds,
    combined_status,
    expected_value,
    path_status,
    path_years,
    target_status,
)

# Empty id lists are written `ids or [0]` (no row has id 0): Django skips the query for an empty
# list, and the dashboard should run the same queries whatever the data.
# Organisations compared side by side under the one a dashboard is about.
REGIONAL_KINDS = (
    OrganizationKind.PREFECTURE_STA,
    OrganizationKind.COUNTY_STA,
    OrganizationKind.TOWNSHIP_STA,
)
INDICATORS_SHOWN = 8
LAGGING_SHOWN = 15
MISSING_SHOWN = 40
HIGHLIGHTS_PER_TASK = 3
LAGGING = (RollupStatus.AT_RISK, RollupStatus.DELAYED)


# ---- whose dashboard, which plan and period --------------------------------------------------


@dataclass
class Subject:
    """The plan and the organisation (None: all of them) a page is about."""

    plan: Plan
    org: Organization | None
    whole: bool  # the user may see the whole plan's figures
    own: list = field(default_factory=list)  # the organisations the user holds roles at

    @property
    def key(self) -> int:
        return self.org.pk if self.org else 0

    @property
    def top(self) -> Organization:
        return self.org or self.plan.organization


def plan_for(*, user, code: str | None = None) -> Plan:
    """The plan named by `code`, else the current one (404 when the user sees none)."""
    plans = Plan.objects.restrict(user, Action.VIEW).select_related("organization", "path_settings")
    plan = plans.filter(code=code).first() if code else plans.current()
    if plan is None:
        raise Http404("no plan")
    return plan


def subject_for(*, user, plan: Plan, code: str | None = None) -> Subject:
    """Whose figures a page shows: the organisation named by `code` (404 outside the user's
    view or the plan's tree), else the whole plan for those who see it all, else the user's
    own organisation."""
    root = plan.organization.path
    scope = user_scope(user, Action.VIEW)
    whole = scope.covers(root)
    visible = Organization.objects.restrict(user, Action.VIEW)
    own_paths = [p for p in scope.paths if p.startswith(root)]
    wanted = Q(code=code) if code else Q(pk__in=[])
    if not whole:
        wanted |= Q(path__in=own_paths)
    found = list(visible.filter(wanted, path__startswith=root).order_by("depth", "path"))
    own = [o for o in found if o.path in own_paths]
    if code:
        org = next((o for o in found if o.code == code), None)
        if org is None:
            raise Http404("organisation not visible")
        return Subject(plan, org, whole, own)
    if whole:
        return Subject(plan, None, True, own)
    if not own:
        raise Http404("no organisation of this plan")
    return Subject(plan, own[0], False, own)


def period_list(*, user, subject: Subject) -> list[ReportingPeriod]:
    """The plan's periods, each marked `rolled` when its figures (for the subject) are stored."""
    rolled = ProgressRollup.objects.filter(
        period=OuterRef("pk"), level=RollupLevel.PLAN, org_key=subject.key
    )
    return list(
        ReportingPeriod.objects.restrict(user, Action.VIEW)
        .filter(plan=subject.plan)
        .annotate(rolled=Exists(rolled))
        .order_by("starts_on", "-ends_on")
    )


def period_choose(periods, requested, *, year: int | None = None, today=None):
    """The requested period (404 if it is not the plan's); else the last one that has ended and
    has figures, else the last with figures, else the last that has started."""
    if requested not in (None, ""):
        chosen = next((p for p in periods if str(p.pk) == str(requested)), None)
        if chosen is None:
            raise Http404("no such period")
        if year is None or chosen.year == year:
            return chosen
        periods = [p for p in periods if p.year == year]
    elif year is not None:
        periods = [p for p in periods if p.year == year]
    today = today or timezone.localdate()
    ended = [p for p in periods if p.rolled and p.ends_on <= today]
    rolled = [p for p in periods if p.rolled]
    started = [p for p in periods if p.starts_on <= today]
    candidates = ended or rolled or started or periods
    return candidates[-1] if candidates else None


def covered(row) -> bool:
    """Whether every unit expected to report a figure has one (reported of expected)."""
    return row is not None and row.reported >= row.expected


def coverage(row) -> dict:
    """A figure's reports counted against the assignments expected to report: approved for the
    period itself, carried from an earlier period, never reported."""
    if row is None:
        return {"expected": 0, "current": 0, "carried": 0, "never": 0}
    carried = getattr(row, "carried", None) or 0
    return {
        "expected": row.expected,
        "current": row.reported - carried,
        "carried": carried,
        "never": row.expected - row.reported,
    }


def with_carried(rows):
    """Rollup rows with their carried-figure count and latest earlier period read from the
    explanation in the database (the explanation itself stays deferred)."""
    return rows.annotate(
        carried=Cast(KT("explanation__carried"), IntegerField()),
        carried_from=Cast(KT("explanation__carried_from"), IntegerField()),
    )


def plan_elapsed(plan: Plan, on: dt.date) -> Decimal:
    """The share of the plan's years gone by on `on`, in %."""
    start, end = dt.date(plan.start_year, 1, 1), dt.date(plan.end_year, 12, 31)
    share = Decimal((on - start).days + 1) / Decimal((end - start).days + 1) * 100
    return min(Decimal(100), max(Decimal(0), share)).quantize(Decimal("0.1"))


# ---- the dashboard ---------------------------------------------------------------------------


@dataclass
class Card:
    """An indicator against its path: the value for the period, by year, and its status."""

    indicator: Indicator
    row: IndicatorRollup | None
    expected: Decimal | None
    status: str  # the verdict on the target: with parts, met only when every part is
    shortfall: Decimal | None
    years: list  # [(year, expected, actual, period)]
    own_status: str = ""  # the indicator's own figure against its target
    own_shortfall: Decimal | None = None
    parts: list = field(default_factory=list)  # the cards of its parts (task 14's bodies)

    @property
    def figures(self) -> list["Card"]:
        """The figures the verdict rests on: the indicator's own, then its parts'."""
        return [self, *self.parts]


@dataclass
class Unit:
    """An organisation compared with its siblings: its plan progress and indicator values."""

    org: Organization
    row: ProgressRollup | None
    values: dict  # indicator id → IndicatorRollup


def compared_units(*, user, subject: Subject) -> list[Organization]:
    """The regional organisations directly under the subject (the eight prefectures under the
    provincial STA, the counties under a prefecture)."""
    top = subject.top
    return list(
        Organization.objects.restrict(user, Action.VIEW)
        .filter(path__startswith=top.path, depth=top.depth + 1, kind__in=REGIONAL_KINDS)
        .order_by("path")
    )


def _tasks(user, plan) -> list[KeyTask]:
    return list(
        KeyTask.objects.restrict(user, Action.VIEW)
        .filter(plan=plan)
        .select_related("group")
        .order_by("number")
    )


def _groups(tasks) -> list[TaskGroup]:
    groups = {}
    for task in tasks:
        groups.setdefault(task.group_id, task.group)
    return sorted(groups.values(), key=lambda g: g.number)


def _indicators(user, plan) -> list[Indicator]:
    """The headline indicators (the plan's first ones when it marks none), each followed by its
    parts (task 14's standing councils after the councils); one query: an indicator sorts by
    its whole's flag and code, so its parts come right after it."""
    rows = list(
        Indicator.objects.restrict(user, Action.VIEW)
        .filter(plan=plan)
        .order_by(
            Coalesce("part_of__is_headline", "is_headline").desc(),
            Coalesce("part_of__code", "code"),
            F("part_of").asc(nulls_first=True),
            "code",
        )[: 2 * INDICATORS_SHOWN + 1]
    )
    wholes = [i for i in rows if i.part_of_id is None]
    headline = [i for i in wholes if i.is_headline]
    shown = {i.pk for i in (headline or wholes)[:INDICATORS_SHOWN]}
    return [i for i in rows if i.pk in shown or i.part_of_id in shown]


def with_parts(user, indicators) -> list[Indicator]:
    """The indicators and, after them, the parts of theirs not among them (one query)."""
    known = {i.pk for i in indicators}
    parts = (
        Indicator.objects.restrict(user, Action.VIEW)
        .filter(part_of__in=list(known) or [0])
        .exclude(pk__in=list(known) or [0])
        .order_by("code")
    )
    return [*indicators, *parts]


def indicator_cards(*, indicators, rows, periods, period, thresholds) -> list[Card]:
    """Each indicator's value for `period` against its path, and its path by year (the value
    of each year's last period with a stored figure, up to `period`). An indicator among them
    whose whole is among them too is not a card of its own but a part of its whole's card,
    whose verdict is met only when every part's is (see paths.combined_status)."""
    cards = _cards(indicators, rows, periods, period, thresholds)
    shown = []
    for card in cards:
        if card.indicator.part_of_id in {c.indicator.pk for c in cards}:
            continue
        card.parts = [c for c in cards if c.indicator.part_of_id == card.indicator.pk]
        if card.parts:
            card.status, card.shortfall = combined_status(
                (c.own_status, c.own_shortfall) for c in card.figures
            )
        shown.append(card)
    return shown


def _cards(indicators, rows, periods, period, thresholds) -> list[Card]:
    by_period = {p.pk: p for p in periods}
    plan = period.plan
    cards = []
    for indicator in indicators:
        mine = sorted(
            (r for r in rows if r.indicator_id == indicator.pk and r.period_id in by_period),
            key=lambda r: by_period[r.period_id].ends_on,
        )
        current = next((r for r in mine if r.period_id == period.pk), None)
        last_of_year = {}
        for r in mine:
            last_of_year[by_period[r.period_id].year] = r
        years = []
        for year in path_years(indicator, plan):
            expected = expected_value(indicator, dt.date(year, 12, 31))
            actual_row = last_of_year.get(year)
            actual = actual_row.value if actual_row else None
            if actual is None and indicator.baseline_year == year:
                actual = indicator.baseline
            label = by_period[actual_row.period_id].label if actual_row else ""
            years.append((year, expected, actual, label))
        value = current.value if current else None
        status, shortfall = path_status(
            indicator, value, period.ends_on, thresholds, complete=covered(current)
        )
        cards.append(
            Card(
                indicator=indicator,
                row=current,
                expected=expected_value(indicator, period.ends_on),
                status=status,
                shortfall=shortfall,
                years=years,
                own_status=status,
                own_shortfall=shortfall,
            )
        )
    return cards


def dashboard(*, user, subject: Subject, period: ReportingPeriod, periods) -> dict:
    """Everything /dashboard/ shows for the subject and period, from stored rollups."""
    plan = subject.plan
    key = subject.key
    tasks = _tasks(user, plan)
    groups = _groups(tasks)
    units = compared_units(user=user, subject=subject)
    unit_keys = [u.pk for u in units]
    rows = list(
        with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(period=period)
        .filter(
            Q(org_key=key, level__in=[RollupLevel.PLAN, RollupLevel.GROUP, RollupLevel.KEY_TASK])
            | Q(org_key__in=unit_keys, level=RollupLevel.PLAN)
        )
        .defer("explanation")
    )
    mine = {(r.level, r.subject_id): r for r in rows if r.org_key == key}
    unit_rows = {
        r.org_key: r for r in rows if r.level == RollupLevel.PLAN and r.org_key in unit_keys
    }
    plan_row = mine.get((RollupLevel.PLAN, plan.pk))

    indicators = _indicators(user, plan)
    irows = list(
        with_carried(IndicatorRollup.objects.restrict(user, Action.VIEW))
        .filter(indicator__in=[i.pk for i in indicators] or [0])
        .filter(
            Q(org_key=key, period__plan=plan, period__ends_on__lte=period.ends_on)
            | Q(org_key__in=unit_keys, period=period)
        )
        .defer("explanation", "missing")
    )
    thresholds = Thresholds.of(getattr(plan, "path_settings", None))
    cards = indicator_cards(
        indicators=indicators,
        rows=[r for r in irows if r.org_key == key],
        periods=periods,
        period=period,
        thresholds=thresholds,
    )
    unit_list = [
        Unit(
            org=u,
            row=unit_rows.get(u.pk),
            values={
                r.indicator_id: r for r in irows if r.org_key == u.pk and r.period_id == period.pk
            },
        )
        for u in units
    ]
    lagging = lagging_items(user=user, subject=subject, period=period, limit=LAGGING_SHOWN * 2)
    missing = list(plan_row.missing) if plan_row else []
    carried = carried_over(user=user, subject=subject, period=period, limit=MISSING_SHOWN + 1)
    return {
        "coverage": coverage(plan_row),
        "carried": carried[:MISSING_SHOWN],
        "carried_more": len(carried) > MISSING_SHOWN,
        "plan_row": plan_row,
        "elapsed": plan_elapsed(plan, period.ends_on),
        "groups": [(g, mine.get((RollupLevel.GROUP, g.pk))) for g in groups],
        "tasks": [(t, mine.get((RollupLevel.KEY_TASK, t.pk))) for t in tasks],
        "cards": cards,
        "thresholds": thresholds,
        "units": unit_list,
        "unit_indicators": [c.indicator for c in cards],
        "overdue": [x for x in lagging if x.overdue][:LAGGING_SHOWN],
        "behind": [x for x in lagging if not x.overdue][:LAGGING_SHOWN],
        "lagging_more": len(lagging) >= LAGGING_SHOWN * 2,
        "missing": organizations_named(user=user, codes=missing[:MISSING_SHOWN]),
        "missing_total": len(missing),
    }


def organizations_named(*, user, codes) -> list:
    """(code, organisation or None) for each code, in order; one query."""
    visible = Organization.objects.restrict(user, Action.VIEW)
    found = {o.code: o for o in visible.filter(code__in=list(codes) or [""])}
    return [(code, found.get(code)) for code in codes if code in found]


# ---- lagging work items ----------------------------------------------------------------------


@dataclass
class Lagging:
    row: ProgressRollup
    work_item: WorkItem | None
    lead: Organization | None

    @property
    def overdue(self) -> bool:
        return (self.row.expected_progress or 0) >= 100

    @property
    def gap(self) -> Decimal:
        return (self.row.expected_progress or 0) - (self.row.progress or 0)


def lagging_items(*, user, subject: Subject, period, limit: int, offset: int = 0) -> list[Lagging]:
    """The subject's work items at risk or delayed in `period`, furthest behind first, each with
    its lead organisation (when the user may see it)."""
    rows = list(
        with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(period=period, org_key=subject.key, level=RollupLevel.WORK_ITEM)
        .filter(status__in=LAGGING)
        .annotate(gap=F("expected_progress") - F("progress"))
        .order_by("-gap", "subject_id")
        .defer("explanation")[offset : offset + limit]
    )
    ids = [r.subject_id for r in rows]
    items = {
        w.pk: w
        for w in WorkItem.objects.restrict(user, Action.VIEW)
        .filter(pk__in=ids or [0])
        .select_related("key_task")
    }
    leads = {
        a.work_item_id: a.organization
        for a in Assignment.objects.restrict(user, Action.VIEW)
        .filter(work_item__in=ids or [0], role=AssignmentRole.LEAD)
        .select_related("organization")
    }
    lagging = [Lagging(r, items.get(r.subject_id), leads.get(r.subject_id)) for r in rows]
    mark_waiting(user=user, subject=subject, period=period, items=lagging)
    return lagging


def mark_waiting(*, user, subject: Subject, period, items: list) -> None:
    """Set `waiting` on each lagging item: how many of its reports for `period` (inside the
    subject's subtree) are sent and waiting for review. Such an item is still behind on the
    approved figures, but its organisations have reported: the page says so instead of leaving
    it looking neglected (issue 14, point 8). One query."""
    reports = ProgressReport.objects.restrict(user, Action.VIEW).filter(
        period=period,
        is_latest=True,
        state=ReportState.SUBMITTED,
        assignment__work_item_id__in=[x.row.subject_id for x in items] or [0],
    )
    if subject.org is not None:
        reports = reports.filter(organization__path__startswith=subject.org.path)
    counts: dict[int, int] = {}
    for work_item_id in reports.values_list("assignment__work_item_id", flat=True):
        counts[work_item_id] = counts.get(work_item_id, 0) + 1
    for x in items:
        x.waiting = counts.get(x.row.subject_id, 0)


# ---- drill-down ------------------------------------------------------------------------------


def group_detail(*, user, subject: Subject, period, group: TaskGroup) -> dict:
    """A task group: its figure, its tasks' and the compared organisations' figures."""
    tasks = list(KeyTask.objects.restrict(user, Action.VIEW).filter(group=group).order_by("number"))
    units = compared_units(user=user, subject=subject)
    rows = list(
        with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(period=period)
        .filter(
            Q(org_key=subject.key, level=RollupLevel.GROUP, subject_id=group.pk)
            | Q(
                org_key=subject.key,
                level=RollupLevel.KEY_TASK,
                subject_id__in=[t.pk for t in tasks],
            )
            | Q(org_key__in=[u.pk for u in units], level=RollupLevel.GROUP, subject_id=group.pk)
        )
        .defer("explanation")
    )
    mine = {(r.level, r.subject_id): r for r in rows if r.org_key == subject.key}
    by_unit = {r.org_key: r for r in rows if r.org_key != subject.key}
    return {
        "row": mine.get((RollupLevel.GROUP, group.pk)),
        "tasks": [(t, mine.get((RollupLevel.KEY_TASK, t.pk))) for t in tasks],
        "units": [Unit(u, by_unit.get(u.pk), {}) for u in units],
    }


def task_detail(*, user, subject: Subject, period, task: KeyTask, periods) -> dict:
    """A key task: its figure, its work items of the period's year, the organisations compared
    and the indicators it carries."""
    items = list(
        WorkItem.objects.restrict(user, Action.VIEW)
        .filter(key_task=task, year=period.year)
        .order_by("pk")
    )
    units = compared_units(user=user, subject=subject)
    rows = list(
        with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(period=period)
        .filter(
            Q(org_key=subject.key, level=RollupLevel.KEY_TASK, subject_id=task.pk)
            | Q(
                org_key=subject.key,
                level=RollupLevel.WORK_ITEM,
                subject_id__in=[w.pk for w in items],
            )
            | Q(org_key__in=[u.pk for u in units], level=RollupLevel.KEY_TASK, subject_id=task.pk)
        )
        .defer("explanation")
    )
    mine = {(r.level, r.subject_id): r for r in rows if r.org_key == subject.key}
    by_unit = {r.org_key: r for r in rows if r.org_key != subject.key}
    indicators = with_parts(
        user, list(Indicator.objects.restrict(user, Action.VIEW).filter(key_task=task))
    )
    irows = list(
        with_carried(IndicatorRollup.objects.restrict(user, Action.VIEW))
        .filter(indicator__in=[i.pk for i in indicators], org_key=subject.key)
        .filter(period__plan=task.plan_id, period__ends_on__lte=period.ends_on)
        .defer("explanation", "missing")
    )
    cards = indicator_cards(
        indicators=indicators,
        rows=irows,
        periods=periods,
        period=period,
        thresholds=Thresholds.of(getattr(subject.plan, "path_settings", None)),
    )
    # work items without a row: none of their organisations lies in the subject's subtree
    shown = [(w, mine.get((RollupLevel.WORK_ITEM, w.pk))) for w in items]
    if subject.org is not None:
        shown = [(w, r) for w, r in shown if r is not None]
    return {
        "row": mine.get((RollupLevel.KEY_TASK, task.pk)),
        "work_items": shown,
        "units": [Unit(u, by_unit.get(u.pk), {}) for u in units],
        "cards": cards,
    }


@dataclass
class AssignmentState:
    assignment: Assignment
    row: ProgressRollup | None
    report: ProgressReport | None  # the latest revision for the period
    counted: int | None  # the report the figure rests on (may be an earlier period's)
    evidence: list


def assignment_states(*, user, assignments, period) -> list[AssignmentState]:
    """Each assignment's stored figure for `period`, its report for the period and the report's
    evidence (three queries for a page of assignments)."""
    assignments = list(assignments)
    ids = [a.pk for a in assignments]
    rows = {
        r.subject_id: r
        for r in with_carried(ProgressRollup.objects.restrict(user, Action.VIEW)).filter(
            period=period, level=RollupLevel.ASSIGNMENT, org_key=0, subject_id__in=ids
        )
    }
    reports = {
        r.assignment_id: r
        for r in ProgressReport.objects.restrict(user, Action.VIEW).filter(
            assignment__in=ids, period=period, is_latest=True
        )
    }
    counted = {a_id: (r.explanation or {}).get("report") for a_id, r in rows.items()}
    wanted = {r.pk for r in reports.values()} | {pk for pk in counted.values() if pk}
    evidence: dict[int, list] = {}
    for e in Evidence.objects.restrict(user, Action.VIEW).filter(report__in=wanted):
        evidence.setdefault(e.report_id, []).append(e)
    states = []
    for a in assignments:
        report = reports.get(a.pk)
        used = counted.get(a.pk)
        files = evidence.get(report.pk, []) if report else []
        if used and (report is None or used != report.pk):
            files = files + evidence.get(used, [])
        states.append(AssignmentState(a, rows.get(a.pk), report, used, files))
    return states


def work_item_detail(*, user, subject: Subject, period, work_item: WorkItem) -> dict:
    """A work item: its figure and its assignments (inside the subject's subtree) with their
    reports for the period and the reports' evidence."""
    row = (
        with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(
            period=period,
            level=RollupLevel.WORK_ITEM,
            subject_id=work_item.pk,
            org_key=subject.key,
        )
        .defer("explanation")
        .first()
    )
    assignments = (
        Assignment.objects.restrict(user, Action.VIEW)
        .filter(work_item=work_item)
        .select_related("organization", "work_item__key_task")
        .order_by("role", "organization__path")
    )
    if subject.org is not None:
        assignments = assignments.filter(organization__path__startswith=subject.org.path)
    return {
        "row": row,
        "states": assignment_states(user=user, assignments=assignments, period=period),
    }


def organization_assignments(*, user, subject: Subject, period, org: Organization):
    """The assignments of `org`'s subtree in the plan for the period's year (a queryset to page)."""
    return (
        Assignment.objects.restrict(user, Action.VIEW)
        .filter(
            organization__path__startswith=org.path,
            work_item__key_task__plan=subject.plan,
            work_item__year=period.year,
        )
        .select_related("organization", "work_item__key_task")
        .order_by("work_item__key_task__number", "work_item_id", "organization__path")
    )


def indicator_detail(*, user, subject: Subject, period, indicator: Indicator, periods) -> dict:
    """An indicator for the subject: every period's value against the path, the organisations
    compared, and those that have not reported it."""
    units = compared_units(user=user, subject=subject)
    indicators = with_parts(user, [indicator])
    parts = indicators[1:]
    rows = list(
        with_carried(IndicatorRollup.objects.restrict(user, Action.VIEW))
        .filter(indicator__in=[i.pk for i in indicators])
        .filter(
            Q(org_key=subject.key, period__plan=subject.plan, period__ends_on__lte=period.ends_on)
            | Q(org_key__in=[u.pk for u in units], period=period, indicator=indicator)
        )
        .defer("explanation")
    )
    mine = [r for r in rows if r.org_key == subject.key]
    thresholds = Thresholds.of(getattr(subject.plan, "path_settings", None))
    card = indicator_cards(
        indicators=indicators, rows=mine, periods=periods, period=period, thresholds=thresholds
    )[0]
    by_period = {p.pk: p for p in periods}
    of_part = {(r.indicator_id, r.period_id): r for r in mine if r.indicator_id != indicator.pk}
    history = []
    for r in sorted(
        (r for r in mine if r.indicator_id == indicator.pk),
        key=lambda r: by_period[r.period_id].ends_on,
    ):
        p = by_period[r.period_id]
        part_rows = [(part, of_part.get((part.pk, p.pk))) for part in parts]
        status, shortfall = target_status(
            indicator,
            r.value,
            p.ends_on,
            thresholds,
            [(part, row.value if row else None, covered(row)) for part, row in part_rows],
            complete=covered(r),
        )
        history.append((p, r, expected_value(indicator, p.ends_on), status, shortfall, part_rows))
    current = card.row
    missing = (
        organizations_named(user=user, codes=list(current.missing)[:MISSING_SHOWN])
        if current
        else []
    )
    by_unit = {r.org_key: r for r in rows if r.period_id == period.pk and r.org_key != subject.key}
    return {
        "card": card,
        "history": history,
        "units": [Unit(u, None, {indicator.pk: by_unit.get(u.pk)}) for u in units],
        "missing": missing,
        "missing_total": len(current.missing) if current else 0,
    }


def carried_over(*, user, subject: Subject, period, limit: int, offset: int = 0) -> list:
    """Assignments whose figure rests on an earlier period's report (none approved for this
    one yet), read from their stored rows: [(assignment, row)], a page at a time."""
    rows = (
        with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(period=period, level=RollupLevel.ASSIGNMENT, org_key=0, explanation__stale=True)
        .order_by("subject_id")
    )
    if subject.org is not None:
        inside = Assignment.objects.restrict(user, Action.VIEW).filter(
            organization__path__startswith=subject.org.path
        )
        rows = rows.filter(subject_id__in=inside.values("pk"))
    rows = list(rows[offset : offset + limit])
    assignments = {
        a.pk: a
        for a in Assignment.objects.restrict(user, Action.VIEW)
        .filter(pk__in=[r.subject_id for r in rows] or [0])
        .select_related("organization", "work_item__key_task")
    }
    return [(assignments[r.subject_id], r) for r in rows if r.subject_id in assignments]


def compliance(*, user, subject: Subject, period) -> dict:
    """Who has not reported: the subject's missing organisations and each compared
    organisation's reported / expected assignments."""
    units = compared_units(user=user, subject=subject)
    rows = {
        r.org_key: r
        for r in with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(
            period=period, level=RollupLevel.PLAN, org_key__in=[subject.key, *[u.pk for u in units]]
        )
        .defer("explanation")
    }
    row = rows.get(subject.key)
    codes = list(row.missing) if row else []
    return {
        "row": row,
        "units": [Unit(u, rows.get(u.pk), {}) for u in units],
        "codes": codes,
    }


# ---- the evaluation report -------------------------------------------------------------------


def plan_by_year(*, user, subject: Subject, periods) -> list:
    """(year, period, plan row) at each year's last period with stored figures."""
    rows = {
        r.period_id: r
        for r in with_carried(ProgressRollup.objects.restrict(user, Action.VIEW))
        .filter(period__plan=subject.plan, level=RollupLevel.PLAN, org_key=subject.key)
        .defer("explanation", "missing")
    }
    last = {}
    for p in periods:
        if p.pk in rows and (p.year not in last or p.ends_on >= last[p.year].ends_on):
            last[p.year] = p
    return [(year, last[year], rows[last[year].pk]) for year in sorted(last)]


def highlights(*, user, subject: Subject, periods) -> list:
    """Narratives of approved reports of lead organisations in `periods`, a few per key task,
    most recent first: [(task, [report, ...])]."""
    reports = (
        ProgressReport.objects.restrict(user, Action.VIEW)
        .filter(
            state=ReportState.APPROVED,
            period__in=[p.pk for p in periods],
            assignment__role=AssignmentRole.LEAD,
            assignment__work_item__key_task__plan=subject.plan,
            nothing_to_report=False,
        )
        .exclude(narrative="")
        .select_related("assignment__work_item__key_task", "organization", "period")
        .order_by(
            "assignment__work_item__key_task__number",
            "-period__ends_on",
            "assignment_id",
            "-revision",
        )
    )
    if subject.org is not None:
        reports = reports.filter(organization__path__startswith=subject.org.path)
    by_task: dict[int, tuple] = {}
    seen = set()
    for report in reports[:500]:
        task = report.assignment.work_item.key_task
        slot = by_task.setdefault(task.number, (task, []))
        key = (report.assignment_id, report.period_id)
        if key in seen or len(slot[1]) >= HIGHLIGHTS_PER_TASK:
            continue
        seen.add(key)
        slot[1].append(report)
    return [by_task[n] for n in sorted(by_task)]
