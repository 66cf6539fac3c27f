"""Who may change what in the societies' records: the one place these rules live.

Reading goes through the scoping API like everywhere else (a society officer sees their own
society, the provincial STA sees every society). Writing splits in two:

- the society's own records (registry figures, councils and their members, terms, conferences,
  journals): whoever may report for the society's organisation (Action.REPORT), so the
  society's officer and the provincial administrators;
- supervision (creating a registry entry, setting a society's status, the annual evaluation's
  criteria, scores and closing): the province only, that is a user holding the review or the
  manage action over the provincial STA the society belongs to (its parent organisation). A
  role held at a society itself, or at a prefecture, never reaches the provincial STA, so it
  cannot score or warn a society, whatever actions it carries.
"""

from qhsta.scoping import Action, parent_path, user_can, user_scope


def is_province_for(user, organization) -> bool:
    """Whether `user` supervises the societies under the provincial STA above `organization`
    (or `organization` itself when it is the provincial STA)."""
    path = organization.path if organization.depth == 1 else parent_path(organization.path)
    return user_scope(user, Action.REVIEW).covers(path)


def may_supervise(user, society) -> bool:
    """Status, evaluation scores and outcomes of `society`: the province only."""
    return is_province_for(user, society.organization)


def may_run_evaluation(user, evaluation_round) -> bool:
    """Criteria, scores and closing of a year's evaluation: the province that runs it."""
    return is_province_for(user, evaluation_round.organization)


def may_keep_records(user, society) -> bool:
    """The society's own records: its officer and the province's administrators."""
    return user_can(user, Action.REPORT, society)
