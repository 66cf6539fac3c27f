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
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
