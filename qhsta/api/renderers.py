"""`?format=csv` for spreadsheet users: the page's rows, one line each, nested fields dotted;
text that a spreadsheet would read as a formula is written as text (qhsta.formulas). Times are
as in the JSON: ISO 8601 in Beijing time with its offset (2026-12-05T00:46:00+08:00)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from csp.constants import UNSAFE_INLINE
from django.utils import timezone
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer

from qhsta.formulas import csv_value


def _flat(row: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = csv_value("; ".join(str(v) for v in value))
        elif isinstance(value, dt.datetime):
            # as the JSON has it: ISO 8601 on the portal's clock, +08:00
            out[name] = (
                timezone.localtime(value) if timezone.is_aware(value) else value
            ).isoformat()
        elif isinstance(value, Decimal):
            out[name] = format(value.normalize(), "f")  # 9.8, not 9.800000
        else:
            out[name] = "" if value is None else csv_value(value)
    return out


class CSVRenderer(BaseRenderer):
    """UTF-8 with a byte-order mark, so Excel shows the Chinese names as they are."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        rows = [_flat(row) for row in rows]
        view = (renderer_context or {}).get("view")
        columns = list(getattr(view, "csv_columns", ()) or ())
        if not columns or (rows and not set(columns) <= set(rows[0])):
            columns = list(rows[0]) if rows else columns
        buffer = io.StringIO()
        writer = csv.DictWriter(
            buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n"
        )
        writer.writerow({column: csv_value(column) for column in columns})
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML view of the API, under the portal's Content-Security-Policy with one exception:
    DRF's own templates put style attributes on a few buttons and filter fields, so these pages
    alone allow inline style attributes (`style-src-attr 'unsafe-inline'`; never a <style>
    element, never a script). The Pygments <style> block for code in descriptions is left out."""

    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src-attr": [UNSAFE_INLINE]}
        return super().render(data, accepted_media_type, renderer_context)
