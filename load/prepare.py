"""Prepare a load run: signed-in sessions for the bench accounts, and what each may open.

Run by load/run.py with the load settings and the database the gunicorn will use. The bench
accounts have unusable passwords (the data set is generated), so the sessions are made here as
a login would make them (the same SECRET_KEY as the gunicorn, the user's session hash); the
login form itself is not what is measured. Writes only django_session rows. Prints JSON.
"""

import json
import random
import sys

import django

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from orgs.models import Membership  # noqa: E402
from qhsta.scoping import Action  # noqa: E402
from tasks.models import ProgressReport  # noqa: E402

PER_ROLE = int(sys.argv[1]) if len(sys.argv) > 1 else 10
rng = random.Random(2026)  # noqa: S311 -- reproducible choice of accounts


def session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def accounts(role: str, depth: int | None = None) -> list:
    memberships = Membership.objects.filter(role=role).select_related("organization")
    if depth is not None:
        memberships = memberships.filter(organization__depth=depth)
    ids = list(memberships.values_list("user_id", flat=True).order_by("user_id")[:5000])
    chosen = rng.sample(ids, min(PER_ROLE, len(ids)))
    return list(get_user_model().objects.filter(pk__in=chosen))


def describe(user) -> dict:
    visible = ProgressReport.objects.restrict(user, Action.VIEW).filter(is_latest=True)
    reports = list(visible.order_by("-pk").values_list("pk", flat=True)[:50])
    editable = list(
        ProgressReport.objects.restrict(user, Action.REPORT)
        .filter(is_latest=True, state__in=["draft", "returned"])
        .order_by("-pk")
        .values_list("pk", flat=True)[:20]
    )
    return {
        "username": user.username,
        "session": session_for(user),
        "reports": reports,
        "editable": editable,
    }


plan = {
    # officers, wherever they are (most at counties and townships)
    "officer": [describe(u) for u in accounts("officer")],
    # leaders of provinces (depth 1 of the national tree): the leadership sees a whole province
    "leader": [describe(u) for u in accounts("leader", depth=1) or accounts("leader")],
    "reviewer": [describe(u) for u in accounts("reviewer", depth=1) or accounts("reviewer")],
}
print(json.dumps(plan))
