"""Reading whole numbers from a request: the one parser for ids, years, page numbers in query
strings and forms.

Only ASCII digits count (`"²".isdigit()` is true, `int("²")` fails), and only numbers a database
column can hold: anything else is "not given" (None), which a page treats as absent and a filter
as matching nothing. `int_param_or_400` is for the parameters a page cannot do without.
"""

import re

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext_lazy as _

DIGITS = re.compile(r"[0-9]{1,18}")
INT_MAX = 2**31 - 1  # the largest id, year or page a 32-bit integer column holds


def parse_int(value, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """`value` as a whole number in [minimum, maximum], or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = (value if isinstance(value, str) else "").strip()
        if text.startswith("-") and minimum < 0:
            number = parse_int(text[1:], minimum=0, maximum=-minimum)
            return None if number is None else -number
        if not DIGITS.fullmatch(text):
            return None
        number = int(text)
    return number if minimum <= number <= maximum else None


def int_param(params, name: str, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """The query (or form) parameter `name` of `params` (request.GET, query_params) as a whole
    number, or None when absent or malformed."""
    return parse_int(params.get(name), minimum=minimum, maximum=maximum)


def int_param_or_400(params, name: str, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """Like int_param, but a value given and malformed answers 400 (django's BadRequest)."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    number = parse_int(raw, minimum=minimum, maximum=maximum)
    if number is None:
        raise BadRequest(f"{name}: not a valid number")
    return number


class WholeNumberField(forms.IntegerField):
    """A form field (and django-filter's, through plan.filters.IntFilter) for ids, years and
    numbers: parse_int's rules, so a malformed value is a form error (400), never a query."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number
