"""Template filters of the dashboard pages: status and path colours and labels, percentages, values."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from dashboard.choices import PathStatus
from tasks.models import RollupStatus

register = template.Library()

PROGRESS_CLASS = {
    RollupStatus.ON_TRACK: "success",
    RollupStatus.AT_RISK: "warning",
    RollupStatus.DELAYED: "danger",
    RollupStatus.COMPLETED: "primary",
}
PATH_CLASS = {
    PathStatus.ACHIEVED: "primary",
    PathStatus.PROVISIONAL: "info",
    PathStatus.ON_TRACK: "success",
    PathStatus.AT_RISK: "warning",
    PathStatus.OFF_TRACK: "danger",
}


@register.filter
def status_class(status) -> str:
    """The Bootstrap colour of a progress status (grey when there is no figure)."""
    return PROGRESS_CLASS.get(status, "secondary")


@register.filter
def status_label(status) -> str:
    if not status:
        return _("No figure")
    return str(RollupStatus(status).label)


@register.filter
def path_class(status) -> str:
    return PATH_CLASS.get(status, "secondary")


@register.filter
def path_label(status) -> str:
    return str(PathStatus(status).label) if status else ""


@register.filter
def pct(value) -> str:
    """A percentage as the dashboard prints it: one decimal, a dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)):.1f}"


@register.filter
def value(value) -> str:
    """An indicator value: at most two decimals, a dash when there is none."""
    if value is None or value == "":
        return "—"
    text = f"{Decimal(str(value)):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def path_gap(shortfall) -> str:
    """A gap to the path with one sign convention: ahead is positive, labelled 超前 / 滞后."""
    if shortfall is None or shortfall == "":
        return "—"
    ahead = -Decimal(str(shortfall))
    size = f"{abs(ahead):.1f}%"
    return _("%(n)s ahead") % {"n": size} if ahead >= 0 else _("%(n)s behind") % {"n": size}


@register.simple_tag(takes_context=True)
def carried_note(context, row) -> str:
    """What a figure rests on when it carries earlier periods' approvals: 沿用 2025年第3季度
    when it all does, else how many of its figures do; empty when nothing is carried."""
    carried = getattr(row, "carried", None) if row is not None else None
    if not carried:
        return ""
    labels = context.get("period_labels") or {}
    label = labels.get(int(row.carried_from)) if getattr(row, "carried_from", None) else None
    if carried >= (row.reported or 0):
        return _("Carried from %(period)s") % {"period": label} if label else _("Carried")
    return _("%(n)s of %(m)s carried from earlier periods (latest %(period)s)") % {
        "n": carried,
        "m": row.reported,
        "period": label or "—",
    }


@register.simple_tag
def coverage_sentence(row) -> str:
    """The one sentence every page uses for a figure's reports against the assignments expected:
    approved for the period, carried from earlier periods, never reported."""
    from dashboard.selectors import coverage

    if row is None:
        return ""
    return _(
        "%(expected)s assignments: %(current)s approved for this period, %(carried)s carried "
        "from earlier periods, %(never)s never reported"
    ) % coverage(row)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
