"""Writes for the societies: registry, councils and re-elections, evaluation, conferences, journals.

Who may do what is decided in societies.rules. Every change to a council (a member, a term)
refreshes the society's figure of the plan's council indicator through tasks.rollups.feeds, so the
indicator's rollups follow the councils by themselves.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.choices import OrganizationKind
from orgs.models import Organization
from plan.models import Indicator
from qhsta.scoping import ancestor_paths

from . import rules
from .choices import EvaluationOutcome, SocietyStatus
from .models import (
    BrandConference,
    CouncilMember,
    CouncilTerm,
    EvaluationCriterion,
    EvaluationResult,
    EvaluationRound,
    EvaluationScore,
    Journal,
    Society,
)
from .selectors import COUNCIL_SHARE, STANDING_COUNCIL_SHARE, CouncilCount, council_counts

REGISTRY_FIELDS = (
    "discipline",
    "supervising_unit",
    "founded_on",
    "individual_members",
    "group_members",
    "secretariat_staff",
    "term_years",
)
MEMBER_FIELDS = ("name", "employer", "position", "category", "joined_on", "left_on")
CONFERENCE_FIELDS = ("name", "is_brand", "held_on", "location", "participants", "papers")
JOURNAL_FIELDS = ("title", "issn", "cn_number", "frequency", "founded_year", "is_core")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _records(actor, society: Society) -> None:
    _require(
        rules.may_keep_records(actor, society),
        _("Only the society's officers and the provincial STA change its records."),
    )


def _set(obj, fields: dict, allowed: tuple[str, ...]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"unexpected field {name}")
        setattr(obj, name, value)


# ---- registry ------------------------------------------------------------------------------


@transaction.atomic
def society_register(*, actor, organization: Organization, **fields) -> Society:
    """Open the registry entry of a society organisation (the province only)."""
    _require(
        rules.is_province_for(actor, organization),
        _("Only the provincial STA registers societies."),
    )
    if organization.kind != OrganizationKind.SOCIETY:
        raise ValidationError({"organization": _("This organisation is not a learned society.")})
    if Society.objects.filter(organization=organization).exists():
        raise ValidationError({"organization": _("This society is registered already.")})
    society = Society(organization=organization)
    _set(society, fields, REGISTRY_FIELDS)
    society.full_clean()
    society.save()
    return society


@transaction.atomic
def society_update(*, actor, society: Society, **fields) -> Society:
    """Change a society's registry figures (its officer or the province)."""
    _records(actor, society)
    _set(society, fields, REGISTRY_FIELDS)
    society.full_clean()
    society.save()
    return society


@transaction.atomic
def society_set_status(*, actor, society: Society, status: str, note: str = "") -> Society:
    """Put a society on warning, into exit proceedings or back to active (the province only)."""
    _require(rules.may_supervise(actor, society), _("Only the provincial STA sets the status."))
    if status != SocietyStatus.ACTIVE and not note.strip():
        raise ValidationError({"status_note": _("Give the reason for a warning or an exit.")})
    society.status, society.status_note = status, note.strip()
    society.full_clean()
    society.save(update_fields=["status", "status_note", "updated_at"])
    return society


# ---- the council indicator -----------------------------------------------------------------


def council_share_refresh(*, society: Society, today: dt.date | None = None) -> int:
    """Feed the society's council figures into the plan's council indicators, for every year of
    every plan above it up to this year: the council in office at the year's end (today for
    this year), its members serving then. The councils' share feeds `society-council-share`,
    the standing councils' share its part `society-standing-council-share` (task 14 asks for
    two thirds on both). Returns how many figures were written or cleared."""
    from tasks.rollups.feeds import feed_period, indicator_feed, indicator_feed_clear

    today = today or timezone.localdate()
    organization = society.organization
    indicators = Indicator.objects.filter(
        code__in=[COUNCIL_SHARE, STANDING_COUNCIL_SHARE],
        plan__organization__path__in=ancestor_paths(organization.path),
    ).select_related("plan")
    first = society.terms.order_by("starts_on").values_list("starts_on", flat=True).first()
    touched = 0
    source = _("Council register of %(society)s") % {"society": organization.name}
    counts: dict[int, CouncilCount | None] = {}  # by year, shared by both indicators
    for indicator in indicators:
        plan = indicator.plan
        standing = indicator.code == STANDING_COUNCIL_SHARE
        for year in range(plan.start_year, min(plan.end_year, today.year) + 1):
            period = feed_period(plan, year)
            if period is None:
                continue
            if year not in counts:
                day = min(dt.date(year, 12, 31), today)
                counts[year] = council_counts([society.pk], day).get(society.pk) if first else None
            count = counts[year] or CouncilCount()
            part, whole = (
                (count.standing_qualifying, count.standing_total)
                if standing
                else (count.qualifying, count.total)
            )
            if whole == 0:
                touched += indicator_feed_clear(
                    indicator=indicator, organization=organization, period=period, source=source
                )
                continue
            indicator_feed(
                indicator=indicator,
                organization=organization,
                period=period,
                numerator=part,
                denominator=whole,
                source=source,
            )
            touched += 1
    return touched


# ---- terms and re-elections ----------------------------------------------------------------


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def term_save(
    *,
    actor,
    society: Society,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    term: CouncilTerm | None = None,
    number: int | None = None,
    copy_members: bool = False,
) -> CouncilTerm:
    """Record a re-election (a new term, numbered after the last) or correct a term's dates.
    A new term's end defaults to the charter's term length; `copy_members` starts its council
    from the previous one's serving members (to be changed afterwards)."""
    _records(actor, society)
    previous = society.terms.order_by("-number").first()
    if term is None:
        term = CouncilTerm(
            society=society, number=number or (previous.number + 1 if previous else 1)
        )
        if previous is not None and starts_on <= previous.starts_on:
            raise ValidationError(
                {
                    "starts_on": _("A new term is elected after the previous one (%(date)s).")
                    % {"date": previous.starts_on.isoformat()}
                }
            )
    else:
        previous = None
        if number is not None:
            term.number = number
    term.starts_on = starts_on
    term.ends_on = ends_on or _add_years(starts_on, society.term_years)
    term.full_clean()
    term.save()
    if copy_members and previous is not None:
        serving = previous.members.filter(left_on__isnull=True)
        CouncilMember.objects.bulk_create(
            CouncilMember(
                term=term,
                name=m.name,
                employer=m.employer,
                position=m.position,
                category=m.category,
            )
            for m in serving
        )
    council_share_refresh(society=society)
    return term


@transaction.atomic
def term_remove(*, actor, term: CouncilTerm) -> None:
    """Delete a term recorded by mistake, with its members."""
    society = term.society
    _records(actor, society)
    term.delete()
    council_share_refresh(society=society)


# ---- council members -----------------------------------------------------------------------


def _member_save(term: CouncilTerm, member: CouncilMember | None, fields: dict) -> CouncilMember:
    member = member or CouncilMember(term=term)
    _set(member, fields, MEMBER_FIELDS)
    member.name = member.name.strip()
    errors = {}
    if member.joined_on and member.joined_on < term.starts_on:
        errors["joined_on"] = _(
            "The term was elected on %(date)s; a member joins on or after it."
        ) % {"date": term.starts_on.isoformat()}
    if member.left_on and member.left_on <= (member.joined_on or term.starts_on):
        errors["left_on"] = _("A member leaves after joining.")
    if errors:
        raise ValidationError(errors)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def council_member_save(
    *, actor, term: CouncilTerm, member: CouncilMember | None = None, **fields
) -> CouncilMember:
    """Add a member to a term's council or change one; the council indicator follows."""
    _records(actor, term.society)
    if member is not None and member.term_id != term.pk:
        raise ValidationError(_("The member belongs to another term."))
    member = _member_save(term, member, fields)
    council_share_refresh(society=term.society)
    return member


@transaction.atomic
def council_member_remove(*, actor, member: CouncilMember) -> None:
    """Delete a member entered by mistake (one who left keeps a row with the date they left)."""
    society = member.term.society
    _records(actor, society)
    member.delete()
    council_share_refresh(society=society)


@transaction.atomic
def council_members_import(*, actor, term: CouncilTerm, rows: list[dict]) -> tuple[int, int]:
    """Add or change many members of one term (an imported council list) in one transaction:
    a row naming a member already on the term (same name and employer) changes that member.
    Returns (added, changed)."""
    _records(actor, term.society)
    existing = {(m.name, m.employer): m for m in term.members.all()}
    added = changed = 0
    for fields in rows:
        member = existing.get((fields["name"], fields.get("employer", "")))
        if member is not None and all(getattr(member, k) == v for k, v in fields.items()):
            continue
        saved = _member_save(term, member, fields)
        existing[(saved.name, saved.employer)] = saved
        added += member is None
        changed += member is not None
    council_share_refresh(society=term.society)
    return added, changed


# ---- conferences and journals --------------------------------------------------------------


@transaction.atomic
def conference_save(
    *, actor, society: Society, conference: BrandConference | None = None, **fields
) -> BrandConference:
    """Record a conference; a society's brand conference (一会一品牌) keeps one name."""
    _records(actor, society)
    conference = conference or BrandConference(society=society)
    _set(conference, fields, CONFERENCE_FIELDS)
    conference.full_clean()
    if conference.is_brand:
        other = (
            society.conferences.filter(is_brand=True)
            .exclude(pk=conference.pk)
            .exclude(name=conference.name)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "is_brand": _(
                        "The society's brand conference is “%(name)s”; a society has one brand."
                    )
                    % {"name": other.name}
                }
            )
    conference.save()
    return conference


@transaction.atomic
def conference_remove(*, actor, conference: BrandConference) -> None:
    _records(actor, conference.society)
    conference.delete()


@transaction.atomic
def journal_save(*, actor, society: Society, journal: Journal | None = None, **fields) -> Journal:
    """Record a journal the society publishes."""
    _records(actor, society)
    journal = journal or Journal(society=society)
    _set(journal, fields, JOURNAL_FIELDS)
    journal.full_clean()
    journal.save()
    return journal


@transaction.atomic
def journal_remove(*, actor, journal: Journal) -> None:
    _records(actor, journal.society)
    journal.delete()


# ---- annual evaluation ---------------------------------------------------------------------


def _run(actor, evaluation_round: EvaluationRound) -> None:
    _require(
        rules.may_run_evaluation(actor, evaluation_round),
        _("Only the provincial STA runs the societies' evaluation."),
    )


def _open(evaluation_round: EvaluationRound) -> None:
    if evaluation_round.is_closed:
        raise ValidationError(
            _("The %(year)s evaluation is closed; reopen it to change it.")
            % {"year": evaluation_round.year}
        )


@transaction.atomic
def evaluation_round_create(
    *,
    actor,
    organization: Organization,
    year: int,
    bottom_count: int = 1,
    warn_after: int = 2,
    exit_after: int = 3,
) -> EvaluationRound:
    """Open a year's evaluation; its criteria start as the previous year's."""
    _require(
        rules.is_province_for(actor, organization),
        _("Only the provincial STA runs the societies' evaluation."),
    )
    if EvaluationRound.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(
            {"year": _("The %(year)s evaluation exists already.") % {"year": year}}
        )
    evaluation_round = EvaluationRound(
        organization=organization,
        year=year,
        bottom_count=bottom_count,
        warn_after=warn_after,
        exit_after=exit_after,
    )
    evaluation_round.full_clean()
    if exit_after < warn_after:
        raise ValidationError(
            {"exit_after": _("Exit proceedings cannot start before the warning.")}
        )
    evaluation_round.save()
    previous = (
        EvaluationRound.objects.filter(organization=organization, year__lt=year)
        .order_by("-year")
        .first()
    )
    if previous is not None:
        EvaluationCriterion.objects.bulk_create(
            EvaluationCriterion(
                round=evaluation_round,
                number=c.number,
                name=c.name,
                description=c.description,
                max_score=c.max_score,
            )
            for c in previous.criteria.all()
        )
    return evaluation_round


@transaction.atomic
def evaluation_criterion_save(
    *,
    actor,
    evaluation_round: EvaluationRound,
    criterion: EvaluationCriterion | None = None,
    name: str,
    max_score: Decimal,
    description: str = "",
    number: int | None = None,
) -> EvaluationCriterion:
    """Add or change a criterion of an open evaluation."""
    _run(actor, evaluation_round)
    _open(evaluation_round)
    if criterion is None:
        last = evaluation_round.criteria.order_by("-number").first()
        criterion = EvaluationCriterion(
            round=evaluation_round, number=number or (last.number + 1 if last else 1)
        )
    elif number is not None:
        criterion.number = number
    criterion.name, criterion.description, criterion.max_score = (
        name.strip(),
        description,
        max_score,
    )
    criterion.full_clean()
    over = criterion.pk and criterion.scores.filter(score__gt=max_score).first()
    if over:
        raise ValidationError(
            {
                "max_score": _("%(society)s already has %(score)s on this criterion.")
                % {"society": over.society, "score": over.score}
            }
        )
    criterion.save()
    return criterion


@transaction.atomic
def evaluation_criterion_remove(*, actor, criterion: EvaluationCriterion) -> None:
    _run(actor, criterion.round)
    _open(criterion.round)
    criterion.delete()


@transaction.atomic
def evaluation_score_set(
    *, actor, criterion: EvaluationCriterion, society: Society, score: Decimal, comment: str = ""
) -> EvaluationScore:
    """Enter a society's score on a criterion (the province only; 0 to the criterion's maximum)."""
    evaluation_round = criterion.round
    _run(actor, evaluation_round)
    _require(rules.may_supervise(actor, society), _("Only the provincial STA scores societies."))
    _open(evaluation_round)
    if not society.organization.path.startswith(evaluation_round.organization.path):
        raise ValidationError(_("The society is not evaluated by this organisation."))
    if score is None or not 0 <= score <= criterion.max_score:
        raise ValidationError(
            {"score": _("Give a score from 0 to %(max)s.") % {"max": criterion.max_score}}
        )
    row = EvaluationScore.objects.filter(criterion=criterion, society=society).first()
    row = row or EvaluationScore(criterion=criterion, society=society)
    row.score, row.comment, row.entered_by = score, comment.strip(), actor
    row.full_clean()
    row.save()
    return row


def evaluated_societies(evaluation_round: EvaluationRound):
    """The societies a round evaluates: registered under its organisation, founded by the year's
    end, and not already leaving."""
    return Society.objects.filter(
        organization__path__startswith=evaluation_round.organization.path,
        organization__is_active=True,
        founded_on__lte=dt.date(evaluation_round.year, 12, 31),
    ).select_related("organization")


@transaction.atomic
def evaluation_round_close(*, actor, evaluation_round: EvaluationRound) -> list[EvaluationResult]:
    """Rank the societies by total score, mark the bottom ones, count their consecutive years at
    the bottom, and warn them or start their exit (the exit mechanism of task 14). Every
    evaluated society needs a score on every criterion first."""
    _run(actor, evaluation_round)
    _open(evaluation_round)
    criteria = list(evaluation_round.criteria.all())
    if not criteria:
        raise ValidationError(_("Add the criteria and the scores first."))
    societies = list(evaluated_societies(evaluation_round))
    if not societies:
        raise ValidationError(_("There is no society to evaluate."))
    scores: dict[int, list[Decimal]] = {s.pk: [] for s in societies}
    for row in EvaluationScore.objects.filter(criterion__in=criteria, society__in=societies):
        scores[row.society_id].append(row.score)
    missing = [s for s in societies if len(scores[s.pk]) < len(criteria)]
    if missing:
        raise ValidationError(
            _("Scores are missing for: %(names)s.")
            % {"names": "、".join(s.organization.name for s in missing)}
        )
    totals = sorted(((sum(scores[s.pk]), s) for s in societies), key=lambda x: (-x[0], x[1].pk))
    previous = {
        r.society_id: r
        for r in EvaluationResult.objects.filter(
            round__organization=evaluation_round.organization,
            round__year=evaluation_round.year - 1,
        )
    }
    count = len(totals)
    bottom_count = min(evaluation_round.bottom_count, count)
    threshold = totals[count - bottom_count][0]  # ties with the last bottom place share it
    results, rank = [], 0
    for index, (total, society) in enumerate(totals):
        if index == 0 or total != totals[index - 1][0]:
            rank = index + 1
        at_bottom = total <= threshold
        before = previous.get(society.pk)
        streak = (before.consecutive_bottom if before else 0) + 1 if at_bottom else 0
        outcome = EvaluationOutcome.NONE
        if streak >= evaluation_round.exit_after:
            outcome = EvaluationOutcome.EXITING
        elif streak >= evaluation_round.warn_after:
            outcome = EvaluationOutcome.WARNED
        results.append(
            EvaluationResult(
                round=evaluation_round,
                society=society,
                total=total,
                rank=rank,
                at_bottom=at_bottom,
                consecutive_bottom=streak,
                outcome=outcome,
            )
        )
        _escalate(society, outcome, evaluation_round, streak)
    EvaluationResult.objects.filter(round=evaluation_round).delete()
    EvaluationResult.objects.bulk_create(results)
    evaluation_round.closed_at, evaluation_round.closed_by = timezone.now(), actor
    evaluation_round.save(update_fields=["closed_at", "closed_by", "updated_at"])
    return results


def _escalate(society: Society, outcome: str, evaluation_round: EvaluationRound, streak: int):
    """Outcomes only raise a society's status; lowering it again is the province's decision."""
    order = [SocietyStatus.ACTIVE, SocietyStatus.WARNED, SocietyStatus.EXITING]
    wanted = {
        EvaluationOutcome.WARNED: SocietyStatus.WARNED,
        EvaluationOutcome.EXITING: SocietyStatus.EXITING,
    }.get(outcome)
    if wanted is None or order.index(wanted) <= order.index(society.status):
        return
    society.status = wanted
    society.status_note = _("%(year)s evaluation: at the bottom %(n)s years in a row.") % {
        "year": evaluation_round.year,
        "n": streak,
    }
    society._change_reason = society.status_note
    society.save(update_fields=["status", "status_note", "updated_at"])


@transaction.atomic
def evaluation_round_reopen(*, actor, evaluation_round: EvaluationRound) -> EvaluationRound:
    """Reopen a closed evaluation to correct it; its ranking goes until it is closed again
    (status changes it caused stay until the province changes them)."""
    _run(actor, evaluation_round)
    EvaluationResult.objects.filter(round=evaluation_round).delete()
    evaluation_round.closed_at = evaluation_round.closed_by = None
    evaluation_round.save(update_fields=["closed_at", "closed_by", "updated_at"])
    return evaluation_round


def council_shares_refresh_all(*, today: dt.date | None = None) -> int:
    """Refresh the council indicator of every registered society (the daily job); one
    transaction per society, so one society's failure does not hold back the others."""
    touched = 0
    for society in Society.objects.select_related("organization"):
        with transaction.atomic():
            touched += council_share_refresh(society=society, today=today)
    return touched
