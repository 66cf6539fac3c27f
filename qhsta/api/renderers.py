"""`?format=csv` for spreadsheet users: the page's rows, one line each, nested fields dotted.
Times are as in the JSON: ISO 8601 in Beijing time with its offset (2026-12-05T00:46:00+08:00)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from rest_framework.renderers import BaseRenderer


def _flat(row: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = "; ".join(str(v) for v in value)
        elif isinstance(value, dt.datetime):
            # as the JSON has it: ISO 8601 on the portal's clock, +08:00
            out[name] = (
                timezone.localtime(value) if timezone.is_aware(value) else value
            ).isoformat()
        elif isinstance(value, Decimal):
            out[name] = format(value.normalize(), "f")  # 9.8, not 9.800000
        else:
            out[name] = "" if value is None else value
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
        writer.writeheader()
        writer.writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
