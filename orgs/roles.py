"""What each role may do, as guardian permissions on the organisation where it is held."""

from qhsta.scoping import ACTION_PERMISSION, Action

from .choices import Role

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    # a unit's administrator: its business and its plan; its accounts are the security
    # administrator's (三员分立: no everyday account manages accounts)
    Role.ADMIN: frozenset({Action.VIEW, Action.REPORT, Action.REVIEW, Action.MANAGE}),
    Role.OFFICER: frozenset({Action.VIEW, Action.REPORT}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.LEADER: frozenset({Action.VIEW}),
    # The three administrators (三员分立), each with exactly their own powers:
    # configuration, plans and organisations; sees business data, approves none of it
    Role.SYSTEM_ADMIN: frozenset({Action.VIEW, Action.MANAGE}),
    # accounts and roles; no business data at all. Held at the top of the tree (the province)
    # or at any organisation (a prefecture's own security administrator), for its subtree
    Role.SECURITY_ADMIN: frozenset({Action.ACCOUNTS}),
    # the audit log; nothing else, and changes nothing
    Role.AUDIT_ADMIN: frozenset({Action.AUDIT}),
}


def role_permissions(role: str) -> set[str]:
    """The guardian codenames a role grants at its organisation."""
    return {ACTION_PERMISSION[action] for action in ROLE_ACTIONS[role]}
