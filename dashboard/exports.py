"""Excel exports of the dashboard's tables and of the plan's full status for a period.

Each sheet holds exactly the rows the matching dashboard table shows (the same selectors), scoped
to the same subject: a prefecture user's export holds nothing of another prefecture.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import View

from plan.models import Indicator, KeyTask, TaskGroup
from qhsta import workbooks
from qhsta.params import parse_int
from qhsta.scoping import Action
from qhsta.scoping.views import ScopedViewMixin
from qhsta.templatetags.portal import person
from tasks.models import ProgressRollup, ReportingPeriod, RollupLevel, WorkItem

from .choices import PathStatus
from .selectors import (
    assignment_states,
    carried_over,
    compliance,
    dashboard,
    group_detail,
    indicator_detail,
    lagging_items,
    organization_assignments,
    organizations_named,
    plan_for,
    task_detail,
    work_item_detail,
)
from .views import SubjectMixin

TABLES = ("groups", "tasks", "indicators", "units", "lagging", "compliance", "status")
# the drill-down pages' tables: the part is named by ?id=
PART_TABLES = ("group", "task", "work-item", "indicator", "assignments")
EXPORT_LIMIT = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ahead(shortfall):
    """A gap with the dashboard's sign: ahead of the path positive."""
    return None if shortfall is None else -shortfall


def _n(value):
    return None if value is None else float(value)


def _status(row) -> str:
    return str(row.get_status_display()) if row is not None and row.status else ""


def _figures(row) -> list:
    if row is None:
        return [None, None, "", None, None]
    return [_n(row.progress), _n(row.expected_progress), _status(row), row.reported, row.expected]


def figure_headers() -> list[str]:
    return [_("Progress %"), _("Expected %"), _("Status"), _("Reported"), _("Expected reports")]


class Sheets(workbooks.Sheets):
    """The dashboard's workbooks: the kernel's, with the last sheet saying whose figures they are."""

    def about(self, *, user, subject, period):
        """The last sheet: what the workbook is, when it was made and on which clock."""
        super().about(
            [
                [_("Plan"), subject.plan.short_title or subject.plan.title],
                [
                    _("Organisation"),
                    subject.org.display_name if subject.org else _("all organisations"),
                ],
                [_("Reporting period"), str(period.label)],
                [_("Exported by"), person(user)],
            ]
        )


def groups_sheet(sheets, data):
    sheets.sheet(
        _("Task groups"),
        [_("Number"), _("Task group"), *figure_headers()],
        ([g.number, f"{g.label}{g.title}", *_figures(r)] for g, r in data["groups"]),
    )


def tasks_sheet(sheets, data):
    sheets.sheet(
        _("Key tasks"),
        [_("Number"), _("Key task"), _("Task group"), *figure_headers()],
        ([t.number, t.title, t.group.title, *_figures(r)] for t, r in data["tasks"]),
    )


def indicators_sheet(sheets, data):
    sheets.sheet(
        _("Indicators"),
        [
            _("Code"),
            _("Indicator"),
            _("Unit"),
            _("Baseline"),
            _("Baseline year"),
            _("Target"),
            _("Target year"),
            _("Expected for the period"),
            _("Actual"),
            _("Status against the path"),
            _("Against the path: ahead + / behind − (per cent of the planned change)"),
            _("Organisations reported"),
            _("Organisations expected"),
            _("Part of"),
        ],
        # an indicator's parts follow it; its status is the verdict on all of them (task 14:
        # met only when the councils and the standing councils both reach the target)
        (
            [
                f.indicator.code,
                f.indicator.name,
                f.indicator.unit,
                _n(f.indicator.baseline),
                f.indicator.baseline_year,
                _n(f.indicator.target),
                f.indicator.target_year,
                _n(f.expected),
                _n(f.row.value) if f.row else None,
                str(PathStatus(f.status if f is c else f.own_status).label),
                _n(_ahead(f.shortfall if f is c else f.own_shortfall)),
                f.row.reported if f.row else None,
                f.row.expected if f.row else None,
                c.indicator.code if f is not c else "",
            ]
            for c in data["cards"]
            for f in c.figures
        ),
    )
    sheets.sheet(
        _("Indicator paths"),
        [_("Code"), _("Indicator"), _("Year"), _("Path"), _("Actual"), _("Period of the value")],
        (
            [c.indicator.code, c.indicator.name, year, _n(expected), _n(actual), label]
            for c in data["cards"]
            for year, expected, actual, label in c.years
        ),
    )


def units_sheet(sheets, data):
    indicators = data["unit_indicators"]
    sheets.sheet(
        _("Organisations compared"),
        [
            _("Code"),
            _("Organisation"),
            *figure_headers(),
            *[f"{i.name} ({i.unit})" for i in indicators],
        ],
        (
            [
                u.org.code,
                u.org.display_name,
                *_figures(u.row),
                *[_n(u.values[i.pk].value) if u.values.get(i.pk) else None for i in indicators],
            ]
            for u in data["units"]
        ),
    )


def lagging_sheet(sheets, items):
    sheets.sheet(
        _("Behind schedule"),
        [
            _("Work item"),
            _("Key task"),
            _("Due date"),
            _("Lead"),
            _("Overdue"),
            *figure_headers(),
        ],
        (
            [
                x.work_item.title if x.work_item else x.row.subject_id,
                x.work_item.key_task.number if x.work_item else None,
                x.work_item.due_date if x.work_item else None,
                x.lead.display_name if x.lead else "",
                _("yes") if x.overdue else _("no"),
                *_figures(x.row),
            ]
            for x in items
        ),
    )


def compliance_sheets(sheets, data, named):
    sheets.sheet(
        _("Reporting compliance"),
        [_("Code"), _("Organisation"), *figure_headers(), _("Organisations not reported")],
        (
            [
                u.org.code,
                u.org.display_name,
                *_figures(u.row),
                len(u.row.missing) if u.row else None,
            ]
            for u in data["units"]
        ),
    )
    sheets.sheet(
        _("Not reported"),
        [_("Code"), _("Organisation")],
        ([code, org.display_name] for code, org in named),
    )


def carried_sheet(sheets, carried):
    sheets.sheet(
        _("Earlier period only"),
        [_("Code"), _("Organisation"), _("Key task"), _("Work item"), _("Report counted")],
        (
            [
                a.organization.code,
                a.organization.display_name,
                a.work_item.key_task.number,
                a.work_item.title,
                (r.explanation or {}).get("report"),
            ]
            for a, r in carried
        ),
    )


def work_items_sheet(sheets, *, user, subject, period):
    items = (
        WorkItem.objects.restrict(user, Action.VIEW)
        .filter(key_task__plan=subject.plan, year=period.year)
        .select_related("key_task")
        .order_by("key_task__number", "pk")
    )
    rows = {
        r.subject_id: r
        for r in ProgressRollup.objects.restrict(user, Action.VIEW)
        .filter(period=period, level=RollupLevel.WORK_ITEM, org_key=subject.key)
        .defer("explanation")
    }
    sheets.sheet(
        _("Work items"),
        [_("Key task"), _("Work item"), _("Weight"), _("Due date"), *figure_headers()],
        (
            [w.key_task.number, w.title, _n(w.weight), w.due_date, *_figures(rows.get(w.pk))]
            for w in items
            if subject.org is None or w.pk in rows
        ),
    )


def assignments_sheet(sheets, *, user, subject, period):
    assignments = organization_assignments(
        user=user, subject=subject, period=period, org=subject.top
    )[:EXPORT_LIMIT]
    states_sheet(
        sheets,
        assignment_states(user=user, assignments=assignments, period=period),
        ReportingPeriod.objects.filter(plan=subject.plan),
    )


def figure_from(row, periods) -> str:
    """Which period an assignment's figure comes from: this one, an earlier one (沿用), none."""
    if row is None or row.progress is None:
        return _("never reported")
    carried = (row.explanation or {}).get("carried_from")
    if not carried:
        return _("this period")
    label = next((p.label for p in periods if p.pk == carried), "")
    return _("Carried from %(period)s") % {"period": label}


def states_sheet(sheets, states, periods=()):
    sheets.sheet(
        _("Assignments"),
        [
            _("Key task"),
            _("Work item"),
            _("Organisation"),
            _("Role"),
            _("Report for the period"),
            _("Report counted"),
            _("Figure from"),
            *figure_headers(),
        ],
        (
            [
                s.assignment.work_item.key_task.number,
                s.assignment.work_item.title,
                s.assignment.organization.display_name,
                str(s.assignment.get_role_display()),
                str(s.report.get_state_display()) if s.report else _("none"),
                s.counted,
                figure_from(s.row, periods),
                *_figures(s.row),
            ]
            for s in states
        ),
    )


class ExportView(ScopedViewMixin, SubjectMixin, View):
    """/dashboard/export/<table>.xlsx?period=&org=: one dashboard table, or the full status."""

    model = ProgressRollup

    def get(self, request, table):
        if table in PART_TABLES:
            return self.part(request, table)
        if table not in TABLES:
            raise Http404("no such table")
        plan = plan_for(user=request.user, code=request.GET.get("plan") or None)
        self.resolve(plan)
        if self.period is None:
            raise Http404("no period")
        user, subject, period = request.user, self.subject, self.period
        sheets = Sheets()
        data = None
        if table in ("groups", "tasks", "indicators", "units", "status"):
            data = dashboard(user=user, subject=subject, period=period, periods=self.periods)
        if table in ("groups", "status"):
            groups_sheet(sheets, data)
        if table in ("tasks", "status"):
            tasks_sheet(sheets, data)
        if table == "status":
            work_items_sheet(sheets, user=user, subject=subject, period=period)
            assignments_sheet(sheets, user=user, subject=subject, period=period)
        if table in ("indicators", "status"):
            indicators_sheet(sheets, data)
        if table in ("units", "status") and data["units"]:
            units_sheet(sheets, data)
        if table in ("lagging", "status"):
            items = lagging_items(user=user, subject=subject, period=period, limit=EXPORT_LIMIT)
            lagging_sheet(sheets, items)
        if table in ("compliance", "status"):
            info = compliance(user=user, subject=subject, period=period)
            named = organizations_named(user=user, codes=info["codes"][:EXPORT_LIMIT])
            compliance_sheets(sheets, info, named)
            carried = carried_over(user=user, subject=subject, period=period, limit=EXPORT_LIMIT)
            carried_sheet(sheets, carried)
        sheets.about(user=user, subject=subject, period=period)
        who = subject.org.code if subject.org else plan.code
        name = f"{who}-{period.year}-{period.kind}{period.number}-{table}.xlsx"
        return sheets.response(name)

    def part(self, request, table):
        """A drill-down page's table: a group's tasks, a task's work items, a work item's or an
        organisation's assignments."""
        user = request.user
        key = request.GET.get("id", "")
        if table == "assignments":
            plan = plan_for(user=user, code=request.GET.get("plan") or None)
            self.resolve(plan)
            obj = None
        else:
            model = {
                "group": TaskGroup,
                "task": KeyTask,
                "work-item": WorkItem,
                "indicator": Indicator,
            }[table]
            if parse_int(key) is None:
                raise Http404("no such part")
            rows = model.objects.restrict(user, Action.VIEW)
            if table == "work-item":
                rows = rows.select_related("key_task__plan__organization")
            else:
                rows = rows.select_related("plan__organization")
            obj = get_object_or_404(rows, pk=key)
            plan = obj.key_task.plan if table == "work-item" else obj.plan
            self.resolve(plan, year=obj.year if table == "work-item" else None)
        if self.period is None:
            raise Http404("no period")
        subject, period = self.subject, self.period
        sheets = Sheets()
        if table == "group":
            data = group_detail(user=user, subject=subject, period=period, group=obj)
            sheets.sheet(
                _("Key tasks"),
                [_("Number"), _("Key task"), *figure_headers()],
                ([t.number, t.title, *_figures(r)] for t, r in data["tasks"]),
            )
            units_rows(sheets, data["units"])
        elif table == "task":
            data = task_detail(
                user=user, subject=subject, period=period, task=obj, periods=self.periods
            )
            sheets.sheet(
                _("Work items"),
                [_("Work item"), _("Weight"), _("Due date"), *figure_headers()],
                ([w.title, _n(w.weight), w.due_date, *_figures(r)] for w, r in data["work_items"]),
            )
            units_rows(sheets, data["units"])
        elif table == "indicator":
            data = indicator_detail(
                user=user, subject=subject, period=period, indicator=obj, periods=self.periods
            )
            parts = data["card"].parts
            sheets.sheet(
                _("Every period"),
                [
                    _("Period"),
                    _("Actual"),
                    _("Path"),
                    _("Status against the path"),
                    _("Organisations reported"),
                    _("Organisations expected"),
                    *(f"{part.indicator.short_name} ({_('Actual')})" for part in parts),
                ],
                (
                    [
                        str(p.label),
                        _n(r.value),
                        _n(expected),
                        str(PathStatus(status).label),
                        r.reported,
                        r.expected,
                        *(_n(row.value) if row else None for _part, row in part_rows),
                    ]
                    for p, r, expected, status, _shortfall, part_rows in data["history"]
                ),
            )
            sheets.sheet(
                _("By organisation"),
                [_("Code"), _("Organisation"), _("Value"), _("Organisations reported")],
                (
                    [
                        u.org.code,
                        u.org.display_name,
                        _n(u.values[obj.pk].value) if u.values.get(obj.pk) else None,
                        u.values[obj.pk].reported if u.values.get(obj.pk) else None,
                    ]
                    for u in data["units"]
                ),
            )
        elif table == "work-item":
            data = work_item_detail(user=user, subject=subject, period=period, work_item=obj)
            states_sheet(sheets, data["states"], self.periods)
        else:
            assignments_sheet(sheets, user=user, subject=subject, period=period)
        sheets.about(user=user, subject=subject, period=period)
        who = subject.org.code if subject.org else plan.code
        name = f"{who}-{period.year}-{period.kind}{period.number}-{table}{key}.xlsx"
        return sheets.response(name)


def units_rows(sheets, units):
    if units:
        sheets.sheet(
            _("By organisation"),
            [_("Code"), _("Organisation"), *figure_headers()],
            ([u.org.code, u.org.display_name, *_figures(u.row)] for u in units),
        )
