"""Reads for the societies' pages and the plan's council indicator."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from plan.models import Indicator, Plan
from qhsta.scoping import Action

from .choices import QUALIFYING, STANDING, CouncilPosition
from .models import CouncilMember, CouncilTerm, EvaluationResult, EvaluationRound, Society

# The plan indicators the councils feed (task 14): the councils' share, and the standing
# councils' share, which is part of the same target (both must reach two thirds).
COUNCIL_SHARE = "society-council-share"
STANDING_COUNCIL_SHARE = "society-standing-council-share"
DEFAULT_TARGET = Decimal("66.7")
HUNDRED = Decimal(100)


@dataclass
class CouncilCount:
    """Qualifying and all members of a society's council (and of its standing council)."""

    qualifying: int = 0
    total: int = 0
    standing_qualifying: int = 0
    standing_total: int = 0

    @property
    def share(self) -> Decimal | None:
        return _share(self.qualifying, self.total)

    @property
    def standing_share(self) -> Decimal | None:
        return _share(self.standing_qualifying, self.standing_total)

    def council_reaches(self, target: Decimal) -> bool | None:
        """Whether the council's share reaches `target` (None: no member recorded)."""
        return share_reaches(self.qualifying, self.total, target)

    def standing_reaches(self, target: Decimal) -> bool | None:
        """Whether the standing council's share reaches `target` (None: nobody on it)."""
        return share_reaches(self.standing_qualifying, self.standing_total, target)

    def met(self, targets: "CouncilTargets") -> bool:
        """Task 14's rule: met only when both the council and the standing council reach their
        targets; a body without members is not met."""
        return all(body.reaches for body in self.bodies(targets))

    def bodies(self, targets: "CouncilTargets") -> list["CouncilBody"]:
        """The council and the standing council, each with its share against its target."""
        return [
            CouncilBody(
                COUNCIL,
                self.share,
                self.qualifying,
                self.total,
                targets.council,
                self.council_reaches(targets.council),
            ),
            CouncilBody(
                STANDING_COUNCIL,
                self.standing_share,
                self.standing_qualifying,
                self.standing_total,
                targets.standing,
                self.standing_reaches(targets.standing),
            ),
        ]


COUNCIL, STANDING_COUNCIL = "council", "standing"


@dataclass(frozen=True)
class CouncilBody:
    """One of the two bodies task 14 counts (理事会 or 常务理事会), its share and verdict."""

    key: str  # COUNCIL or STANDING_COUNCIL
    share: Decimal | None
    qualifying: int
    total: int
    target: Decimal
    reaches: bool | None  # None: nobody on it

    @property
    def below(self) -> bool:
        return self.reaches is False


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (HUNDRED * part / whole).quantize(Decimal("0.1"))


def share_reaches(part: int, whole: int, target: Decimal) -> bool | None:
    """Whether part/whole, in %, reaches `target`: compared exactly, never after rounding, like
    the dashboard compares the stored figure (6 of 9 is 66.67 %, short of a 66.7 % target);
    None when there is nobody to count."""
    if not whole:
        return None
    return HUNDRED * part >= Decimal(target) * whole


def terms_in_office(society_ids, day: dt.date) -> dict[int, CouncilTerm]:
    """Each society's council term in office on `day`: the latest elected on or before it."""
    terms: dict[int, CouncilTerm] = {}
    rows = CouncilTerm.objects.filter(society_id__in=society_ids, starts_on__lte=day).order_by(
        "society_id", "starts_on", "number"
    )
    for term in rows:
        terms[term.society_id] = term  # later rows replace earlier ones
    return terms


def council_counts(society_ids, day: dt.date) -> dict[int, CouncilCount]:
    """Members serving on `day` on each society's council in office then, by category.

    A member counts once, on the council; those in a standing position count on the standing
    council as well (the standing council is elected from the council)."""
    terms = terms_in_office(society_ids, day)
    qualifying = Q(category__in=QUALIFYING)
    standing = Q(position__in=STANDING)
    rows = (
        CouncilMember.objects.filter(term__in=[t.pk for t in terms.values()])
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .values("term__society_id")
        .annotate(
            total=Count("pk"),
            qualifying=Count("pk", filter=qualifying),
            standing_total=Count("pk", filter=standing),
            standing_qualifying=Count("pk", filter=standing & qualifying),
        )
    )
    counts = {society_id: CouncilCount() for society_id in terms}
    for row in rows:
        counts[row["term__society_id"]] = CouncilCount(
            qualifying=row["qualifying"],
            total=row["total"],
            standing_qualifying=row["standing_qualifying"],
            standing_total=row["standing_total"],
        )
    return counts


@dataclass(frozen=True)
class CouncilTargets:
    """The plan's targets for the councils' and the standing councils' share."""

    council: Decimal = DEFAULT_TARGET
    standing: Decimal = DEFAULT_TARGET


def council_targets(society: Society | None = None) -> CouncilTargets:
    """The targets of the plan's two council indicators (66.7 % each in the 14th plan); a plan
    without the standing councils' indicator holds them to the councils' target."""
    plans = Plan.objects.all()
    if society is not None:
        from qhsta.scoping import ancestor_paths

        plans = plans.filter(organization__path__in=ancestor_paths(society.organization.path))
    plan = plans.current()
    found = (
        {
            code: target.quantize(Decimal("0.1"))
            for code, target in Indicator.objects.filter(
                plan=plan, code__in=[COUNCIL_SHARE, STANDING_COUNCIL_SHARE]
            ).values_list("code", "target")
        }
        if plan
        else {}
    )
    council = found.get(COUNCIL_SHARE, DEFAULT_TARGET)
    return CouncilTargets(council, found.get(STANDING_COUNCIL_SHARE, council))


def council_share_target(society: Society | None = None) -> Decimal:
    """The plan's target for the councils' share (66.7 % in the 14th plan)."""
    return council_targets(society).council


@dataclass
class SocietyRow:
    society: Society
    term: CouncilTerm | None
    counts: CouncilCount
    overdue: bool
    bodies: list[CouncilBody]  # the council and the standing council against the target
    result: EvaluationResult | None = None

    @property
    def council_below(self) -> bool:
        return self.bodies[0].below

    @property
    def standing_below(self) -> bool:
        return self.bodies[1].below

    @property
    def below(self) -> bool:
        """Below the target on either body (task 14 counts both)."""
        return any(b.below for b in self.bodies)

    @property
    def met(self) -> bool:
        """Both bodies reach the target."""
        return all(b.reaches for b in self.bodies)


@dataclass
class SocietyOverview:
    rows: list[SocietyRow]
    targets: CouncilTargets
    day: dt.date
    totals: CouncilCount = field(default_factory=CouncilCount)

    @property
    def target(self) -> Decimal:
        """The councils' target (the standing councils' is in `targets`)."""
        return self.targets.council

    @property
    def below(self) -> list[SocietyRow]:
        """The societies below the target on the council, the standing council or both."""
        return [r for r in self.rows if r.below]

    @property
    def bodies(self) -> list[CouncilBody]:
        """Both bodies across the societies (members summed, never shares averaged)."""
        return self.totals.bodies(self.targets)

    @property
    def met(self) -> bool:
        """The target across the societies: both shares reach it."""
        return self.totals.met(self.targets)

    @property
    def overdue(self) -> list[SocietyRow]:
        return [r for r in self.rows if r.overdue]

    @property
    def without_council(self) -> list[SocietyRow]:
        return [r for r in self.rows if r.term is None]


def current_terms(society_ids) -> dict[int, CouncilTerm]:
    """Each society's latest term (the council now in office, overdue or not)."""
    terms: dict[int, CouncilTerm] = {}
    for term in CouncilTerm.objects.filter(society_id__in=society_ids).order_by(
        "society_id", "number"
    ):
        terms[term.society_id] = term
    return terms


def society_overview(queryset, *, day: dt.date | None = None) -> SocietyOverview:
    """Every society of `queryset` (already scoped) with its council share on `day` (today),
    its current term and whether its re-election is overdue, and its latest evaluation result;
    the share across them all is summed, never averaged."""
    day = day or timezone.localdate()
    societies = list(queryset.select_related("organization"))
    ids = [s.pk for s in societies]
    counts = council_counts(ids, day)
    terms = current_terms(ids)
    latest: dict[int, EvaluationResult] = {}
    for result in EvaluationResult.objects.filter(society_id__in=ids).select_related("round"):
        known = latest.get(result.society_id)
        if known is None or known.round.year < result.round.year:
            latest[result.society_id] = result
    targets = council_targets(societies[0]) if societies else CouncilTargets()
    rows, totals = [], CouncilCount()
    for society in societies:
        count = counts.get(society.pk, CouncilCount())
        term = terms.get(society.pk)
        rows.append(
            SocietyRow(
                society=society,
                term=term,
                counts=count,
                overdue=term is not None and term.ends_on < day,
                bodies=count.bodies(targets),
                result=latest.get(society.pk),
            )
        )
        totals.qualifying += count.qualifying
        totals.total += count.total
        totals.standing_qualifying += count.standing_qualifying
        totals.standing_total += count.standing_total
    return SocietyOverview(rows=rows, targets=targets, day=day, totals=totals)


def society_list(queryset, *, status: str = "", discipline: str = "", flag: str = ""):
    """The registry filtered as the list page asks; `flag` is "below" or "overdue" (applied to
    the overview rows, see society_overview)."""
    if status:
        queryset = queryset.filter(status=status)
    if discipline:
        queryset = queryset.filter(discipline=discipline)
    return queryset


def term_members(term: CouncilTerm, *, user) -> list[CouncilMember]:
    """A term's members as a council list reads: serving ones first, by rank of position."""
    rank = {value: index for index, value in enumerate(CouncilPosition.values)}
    members = CouncilMember.objects.restrict(user, Action.VIEW).filter(term=term)
    return sorted(
        members.select_related("term"),
        key=lambda m: (m.left_on is not None, rank.get(m.position, 99), m.pk),
    )


def evaluation_grid(evaluation_round: EvaluationRound, societies: list[Society], *, user):
    """Scores of a round by society and criterion, with each society's total so far."""
    from .models import EvaluationScore

    criteria = list(evaluation_round.criteria.all())
    scores = {
        (s.society_id, s.criterion_id): s
        for s in EvaluationScore.objects.restrict(user, Action.VIEW).filter(
            criterion__round=evaluation_round, society__in=societies
        )
    }
    rows = []
    for society in societies:
        cells = [scores.get((society.pk, c.pk)) for c in criteria]
        total = sum((c.score for c in cells if c is not None), Decimal(0))
        rows.append(
            {
                "society": society,
                "cells": list(zip(criteria, cells, strict=True)),
                "total": total,
                "complete": all(c is not None for c in cells),
            }
        )
    return criteria, rows
