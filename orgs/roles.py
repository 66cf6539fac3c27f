"""What each role may do, as guardian permissions on the organisation where it is held."""

from qhsta.scoping import ACTION_PERMISSION, Action

from .choices import Role

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset({Action.VIEW, Action.REPORT, Action.REVIEW, Action.MANAGE}),
    Role.OFFICER: frozenset({Action.VIEW, Action.REPORT}),
    Role.REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.LEADER: frozenset({Action.VIEW}),
}


def role_permissions(role: str) -> set[str]:
    """The guardian codenames a role grants at its organisation."""
    return {ACTION_PERMISSION[action] for action in ROLE_ACTIONS[role]}
