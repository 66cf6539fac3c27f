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
