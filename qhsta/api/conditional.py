"""`ETag` and `Last-Modified` on reads, so clients polling indicators and rollups get 304s.

One aggregate query over the client's (scoped, filtered) rows gives the newest change and the
row count; the ETag also covers the client, the URL with its query, the format and the language.
A matching `If-None-Match` (or, without one, an `If-Modified-Since` not older than the newest
change) answers 304 before any row is read or serialised.
"""

import hashlib

from django.db.models import Count, Max
from django.utils import translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from rest_framework import status
from rest_framework.response import Response


def _etag(request, *parts) -> str:
    seed = "|".join(
        str(p)
        for p in (
            request.user.pk,
            request.get_full_path(),
            getattr(request, "accepted_media_type", ""),
            translation.get_language(),
            *parts,
        )
    )
    return quote_etag(hashlib.sha256(seed.encode()).hexdigest()[:32])


def _not_modified(request, etag: str, last_modified) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("If-Modified-Since")
    if since and last_modified is not None:
        parsed = parse_http_date_safe(since)
        return parsed is not None and int(last_modified.timestamp()) <= parsed
    return False


class ConditionalReadMixin:
    """For viewsets: `change_fields` are the timestamps (lookups allowed) whose newest value says
    when the rows last changed."""

    change_fields: tuple[str, ...] = ("updated_at",)

    def _answer(self, request, etag: str, last_modified, make):
        headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
        if last_modified is not None:
            headers["Last-Modified"] = http_date(last_modified.timestamp())
        if _not_modified(request, etag, last_modified):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = make()
        if response.status_code in (200, 304):
            for name, value in headers.items():
                response[name] = value
        return response

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        marks = queryset.order_by().aggregate(
            rows=Count("pk"), **{f"m{i}": Max(f) for i, f in enumerate(self.change_fields)}
        )
        self.known_count = marks["rows"]  # the paginator's count, without counting again
        stamps = [v for k, v in marks.items() if k != "rows" and v is not None]
        newest = max(stamps) if stamps else None
        etag = _etag(
            request, marks["rows"], *(marks[f"m{i}"] for i in range(len(self.change_fields)))
        )
        return self._answer(
            request,
            etag,
            newest,
            lambda: super(ConditionalReadMixin, self).list(request, *args, **kwargs),
        )

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        stamps = [self._stamp(obj, f) for f in self.change_fields]
        present = [s for s in stamps if s is not None]
        newest = max(present) if present else None
        etag = _etag(request, obj.pk, *stamps)

        def make():
            return Response(self.get_serializer(obj).data)

        return self._answer(request, etag, newest, make)

    @staticmethod
    def _stamp(obj, lookup: str):
        value = obj
        for part in lookup.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value
