"""The one place where data is scoped by role.

Roles are held at organisations (orgs.Membership) and stored as django-guardian object permissions
on those organisations (orgs.OrganizationUserObjectPermission). A permission at an organisation
covers its whole subtree: the organisation tree is a materialised path (django-treebeard), so a
subtree is one indexed prefix condition and a county added after a grant is covered at once.

Every model that holds scoped data declares a `Scope` (how its rows reach an organisation path)
and uses a `ScopedQuerySet` manager. Pages, API endpoints, exports, selectors and jobs read and
write through `restrict(user, action)` (or its aliases `visible_to` and `editable_by`); a model
without a `Scope` gives nobody anything (default deny). Inactive users get nothing; model-wide
(global) permissions are never consulted, so they cannot widen an object scope; superusers are
the only exception and see everything.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.db.models import Q
from treebeard.mp_tree import MP_NodeQuerySet

STEPLEN = 4  # django-treebeard's default: every tree level adds four characters to a path


def ancestor_paths(path: str, *, include_self: bool = False) -> list[str]:
    """The paths of the organisations above the one at `path`, root first."""
    end = len(path) + (STEPLEN if include_self else 0)
    return [path[:i] for i in range(STEPLEN, end, STEPLEN)]


def parent_path(path: str) -> str:
    """The path of the organisation directly above the one at `path` (a root's own path)."""
    return path[:-STEPLEN] if len(path) > STEPLEN else path


class Action(StrEnum):
    VIEW = "view"
    REPORT = "report"
    REVIEW = "review"
    MANAGE = "manage"
    # accounts and roles (the security administrator's; a unit administrator's too)
    ACCOUNTS = "accounts"
    # reading and exporting the audit log (the audit administrator's alone)
    AUDIT = "audit"


# The guardian permission (on orgs.Organization) that grants each action over a subtree.
ACTION_PERMISSION = {
    Action.VIEW: "view_scope",
    Action.REPORT: "report_scope",
    Action.REVIEW: "review_scope",
    Action.MANAGE: "manage_scope",
    Action.ACCOUNTS: "accounts_scope",
    Action.AUDIT: "audit_scope",
}


@dataclass(frozen=True)
class UserScope:
    """The subtrees (organisation paths) in which a user may perform one action."""

    paths: tuple[str, ...] = ()
    everything: bool = False

    @property
    def empty(self) -> bool:
        return not self.everything and not self.paths

    def covers(self, path: str) -> bool:
        """Whether the organisation at `path` lies in one of the granted subtrees."""
        return self.everything or any(path.startswith(p) for p in self.paths)

    def subtree_q(self, lookup: str) -> Q:
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**{f"{lookup}__startswith": path})
        return q

    def lineage_q(self, lookup: str) -> Q:
        """Rows of an organisation inside a granted subtree or above one (its ancestors)."""
        ancestors = {a for p in self.paths for a in ancestor_paths(p)}
        return self.subtree_q(lookup) | Q(**{f"{lookup}__in": sorted(ancestors)})


NOTHING = UserScope()
EVERYTHING = UserScope(everything=True)


def user_scope(user, action: Action) -> UserScope:
    """Where `user` may perform `action`; read once per request (roles apply from the next one)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    scopes = user.__dict__.get("_qhsta_scopes")
    if scopes is None:
        scopes = user.__dict__["_qhsta_scopes"] = _load_scopes(user)
    return scopes[action]


def _load_scopes(user) -> dict[Action, UserScope]:
    """All of a user's scopes from guardian's object permissions on organisations: one query."""
    from .registry import organization_model, permission_model

    tree_app = organization_model()._meta.app_label
    UserObjectPermission = permission_model()
    rows = UserObjectPermission.objects.filter(
        user=user,
        content_object__is_active=True,
        permission__content_type__app_label=tree_app,
        permission__codename__in=ACTION_PERMISSION.values(),
    ).values_list("permission__codename", "content_object__path")
    granted: dict[str, list[str]] = {codename: [] for codename in ACTION_PERMISSION.values()}
    for codename, path in rows:
        granted[codename].append(path)
    return {action: _minimal(granted[codename]) for action, codename in ACTION_PERMISSION.items()}


def _minimal(paths: list[str]) -> UserScope:
    """Drop every path that lies under another one."""
    minimal: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(p) for p in minimal):
            minimal.append(path)
    return UserScope(paths=tuple(minimal))


@dataclass(frozen=True)
class Scope:
    """How a model's rows reach the organisation tree.

    org_path: the lookup from the model to Organization.path.
    shared_down: rows (a plan and its parts) are also readable by users anywhere below their
        organisation; changing them still needs the action over the organisation itself.
    public: a boolean field; rows where it is true are readable by anyone, logged in or not.
    multi_valued: org_path crosses a to-many relation, so rows are matched by a subquery.
    whole_path: for rows whose org_path is empty (figures for all organisations of a plan): the
        lookup to the organisation they belong to. Such a row is made of every organisation's
        figures (its explanation and missing list name them), so only a user whose scope covers
        that whole organisation may read it; anyone else reads the rows of their own subtrees
        (the dashboard's rule too: a prefecture never sees the province-wide rows).
    """

    org_path: str
    shared_down: bool = False
    public: str | None = None
    multi_valued: bool = False
    whole_path: str | None = None

    def q(self, scope: UserScope, action: Action) -> Q:
        if self.shared_down and action == Action.VIEW:
            own = scope.lineage_q(self.org_path)
        else:
            own = scope.subtree_q(self.org_path)
        if self.whole_path is None:
            return own
        whole = scope.subtree_q(self.whole_path)
        return own | (Q(**{f"{self.org_path}__isnull": True}) & whole)


class ScopedQuerySetMixin:
    def restrict(self, user, action: Action = Action.VIEW):
        """The rows `user` may `action`: default deny, one query for the user's scope per request."""
        rule = getattr(self.model, "scope", None)
        if not isinstance(rule, Scope):
            return self.none()
        scope = user_scope(user, action)
        public = Q(**{rule.public: True}) if rule.public and action == Action.VIEW else None
        if scope.everything:
            return self.all()
        if scope.empty:
            return self.filter(public) if public is not None else self.none()
        condition = rule.q(scope, action)
        if rule.multi_valued:
            inner = self.model._base_manager.filter(condition).values("pk")
            condition = Q(pk__in=inner)
        if public is not None:
            condition |= public
        return self.filter(condition)

    def visible_to(self, user):
        return self.restrict(user, Action.VIEW)

    def editable_by(self, user, action: Action = Action.REPORT):
        return self.restrict(user, action)


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass


class ScopedMPNodeQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    pass


def user_can(user, action: Action, obj) -> bool:
    """Whether `user` may `action` the saved object `obj`: one query, remembered for the request
    like the scopes it comes from (a bulk import asks the same question for every row)."""
    answers = user.__dict__.setdefault("_qhsta_can", {}) if user is not None else {}
    key = (action, type(obj)._meta.label, obj.pk)
    if key not in answers:
        answers[key] = type(obj)._default_manager.restrict(user, action).filter(pk=obj.pk).exists()
    return answers[key]
