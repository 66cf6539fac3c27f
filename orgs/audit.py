"""The access log: one row per grant, withdrawal, refused access and failed login."""

import logging

from .models import AccessEvent, Organization

logger = logging.getLogger("qhsta.access")


def _organization_of(obj) -> Organization | None:
    if isinstance(obj, Organization):
        return obj
    org = getattr(obj, "organization", None)
    return org if isinstance(org, Organization) else None


def access_log(
    kind: str,
    *,
    request=None,
    actor=None,
    obj=None,
    organization: Organization | None = None,
    target_user=None,
    username: str = "",
    detail: str = "",
) -> AccessEvent:
    """Record an access event (and write it to the log stream)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    event = AccessEvent.objects.create(
        kind=kind,
        actor=actor,
        username=username or (actor.get_username() if actor else ""),
        target_user=target_user,
        organization=organization or _organization_of(obj),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        request_path=request.path[:500] if request is not None else "",
        method=request.method if request is not None else "",
        detail=detail[:300],
    )
    logger.info(
        "access %s actor=%s object=%s:%s path=%s %s",
        kind,
        event.username or "-",
        event.object_type or "-",
        event.object_id or "-",
        event.request_path or "-",
        detail,
    )
    return event
