"""The audit log: who, when, from where, what and the outcome, as a tamper-evident hash chain.

Every entry (orgs.AccessEvent) carries the SHA-256 of its own text and the hash of the entry
before it. Writers take one lock for the chain (a PostgreSQL advisory lock held to the end of
their transaction), read the last hash and append, so concurrent writers never fork the chain.
`manage.py verify_audit` recomputes the chain and names the first entry that does not fit.

Entries older than the retention (settings.AUDIT_RETENTION_DAYS, never under 180 days) may be
purged; the purge itself is an entry naming the last purged entry's hash, where the chain then
starts again.
"""

import contextvars
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qhsta.net import client_address

from .choices import AccessEventKind, Outcome
from .models import AccessEvent, Organization

logger = logging.getLogger("qhsta.access")

GENESIS = "0" * 64
MIN_RETENTION_DAYS = 180
# pg_advisory_xact_lock key of the audit chain ("QHAU")
CHAIN_LOCK = 0x51484155

# The request being served, for entries written by services that are not handed it.
current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)

# Fields covered by an entry's hash, in order.
HASHED_FIELDS = (
    "at",
    "kind",
    "outcome",
    "username",
    "target_username",
    "organization_code",
    "object_type",
    "object_id",
    "object_repr",
    "ip",
    "request_path",
    "method",
    "detail",
)


def client_ip(request) -> str:
    """The client's address, read behind the trusted proxies only (qhsta.net, the one way)."""
    return client_address(request)[:45]


def entry_hash(values: dict, prev_hash: str) -> str:
    """The hash of an entry's text (HASHED_FIELDS) chained to `prev_hash`."""
    payload = {name: values[name] for name in HASHED_FIELDS}
    at = payload["at"]
    payload["at"] = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def _lock_chain() -> None:
    """Serialise appends to the chain until the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    # SQLite (tests, development) takes its write lock with the insert; one writer at a time.


def _organization_of(obj) -> Organization | None:
    if isinstance(obj, Organization):
        return obj
    org = getattr(obj, "organization", None)
    return org if isinstance(org, Organization) else None


def _append(event: AccessEvent) -> AccessEvent:
    with transaction.atomic():
        _lock_chain()
        last = AccessEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = entry_hash(
            {name: getattr(event, name) for name in HASHED_FIELDS}, event.prev_hash
        )
        event.save(force_insert=True)
    return event


def audit_log(
    kind: str,
    *,
    request=None,
    actor=None,
    obj=None,
    organization: Organization | None = None,
    target_user=None,
    username: str = "",
    outcome: str = Outcome.SUCCESS,
    detail: str = "",
) -> AccessEvent:
    """Append an entry to the audit log (and write it to the log stream). Without `request`,
    the request being served (if any) gives the address, path and method."""
    if request is None:
        request = current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    organization = organization or _organization_of(obj)
    event = AccessEvent(
        at=timezone.now(),
        kind=kind,
        outcome=outcome,
        actor=actor,
        username=(username or (actor.get_username() if actor else ""))[:150],
        target_user=target_user,
        target_username=target_user.get_username() if target_user is not None else "",
        organization=organization,
        organization_code=organization.code if organization is not None else "",
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        ip=client_ip(request) if request is not None else "",
        request_path=request.get_full_path()[:500] if request is not None else "",
        method=(request.method or "")[:10] if request is not None else "",
        detail=str(detail)[:300],
    )
    _append(event)
    logger.info(
        "audit %s %s actor=%s ip=%s object=%s:%s path=%s %s",
        kind,
        outcome,
        event.username or "-",
        event.ip or "-",
        event.object_type or "-",
        event.object_id or "-",
        event.request_path or "-",
        event.detail,
    )
    return event


def access_log(kind: str, **kwargs) -> AccessEvent:
    """A refused access or an access change: refusals are failures (see audit_log)."""
    if kind in (AccessEventKind.DENIED_READ, AccessEventKind.DENIED_WRITE):
        kwargs.setdefault("outcome", Outcome.FAILURE)
    return audit_log(kind, **kwargs)


# ---- verification and retention ------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def chain_verify() -> tuple[int, ChainBreak | None]:
    """Walk the chain from its oldest entry: (entries checked, the first break or None)."""
    expected_prev = None
    checked = 0
    rows = AccessEvent.objects.order_by("id").values("id", "prev_hash", "hash", *HASHED_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        if expected_prev is None:
            expected_prev = _chain_start(row)
            if expected_prev is None:
                return checked, ChainBreak(
                    row["id"], "the oldest entry does not follow the start or a recorded purge"
                )
        if row["prev_hash"] != expected_prev:
            return checked, ChainBreak(
                row["id"], "its link does not match the entry before (one removed or changed)"
            )
        if entry_hash(row, row["prev_hash"]) != row["hash"]:
            return checked, ChainBreak(row["id"], "its content does not match its hash")
        expected_prev = row["hash"]
        checked += 1
    return checked, None


def _chain_start(first: dict) -> str | None:
    """What the oldest entry must link to: the start, or the last entry a purge removed."""
    if first["prev_hash"] == GENESIS:
        return GENESIS
    purge = AccessEvent.objects.filter(
        kind=AccessEventKind.AUDIT_PURGED, detail__endswith=first["prev_hash"]
    ).exists()
    return first["prev_hash"] if purge else None


def retention_days() -> int:
    """How long entries are kept: the setting, never less than 180 days."""
    return max(int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), 180)


def audit_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the oldest entries past the retention period; returns how many.

    Only a run of entries from the start of the chain goes (never one in the middle), and the
    purge records the hash of the last entry it removed, where the chain then starts.
    """
    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    with transaction.atomic():
        _lock_chain()
        first_kept = AccessEvent.objects.filter(at__gte=cutoff).order_by("id").values("id")[:1]
        doomed = AccessEvent.objects.filter(at__lt=cutoff)
        if first_kept:
            # only the run before the first entry to keep, so no gap opens in the chain
            doomed = doomed.filter(id__lt=first_kept[0]["id"])
        last = doomed.order_by("-id").values("id", "hash").first()
        if last is None:
            return 0
        count, _ = doomed.delete()
        audit_log(
            AccessEventKind.AUDIT_PURGED,
            detail=f"{count} entries older than {retention_days()} days, through #{last['id']} "
            f"{last['hash']}",
        )
    return count
