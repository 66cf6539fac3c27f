"""Template filters shared by every page: numbers as the portal writes them, a person's name."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def number(value) -> str:
    """A figure as people write it: 10, 5.95, 66.7 (no trailing zeros, no exponent)."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def person(user) -> str:
    """A user as people name them: full name, else username; a dash when there is nobody."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
