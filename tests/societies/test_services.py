"""Council share, re-elections, evaluation and the council indicator moving through the rollups."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from plan.models import Indicator
from societies import services
from societies.choices import MemberCategory, SocietyStatus
from societies.models import CouncilMember, EvaluationResult, EvaluationRound, Society
from societies.selectors import society_overview
from tasks.models import IndicatorRollup, IndicatorValue, ReportingPeriod

TODAY = dt.date(2026, 11, 30)


def user(name):
    return get_user_model().objects.get(username=name)


def province_figure(plan, year):
    indicator = Indicator.objects.get(plan=plan, code="society-council-share")
    period = ReportingPeriod.objects.get(plan=plan, kind="year", year=year)
    return IndicatorRollup.objects.get(indicator=indicator, period=period, org_key=0)


def test_the_councils_feed_the_plan_indicator_through_the_rollup(societies, plan14):
    row = province_figure(plan14, 2025)
    # 33/45 + 36/62 + 21/30 + 22/27 = 112/164: summed, never averaged
    assert (row.numerator, row.denominator) == (Decimal(112), Decimal(164))
    assert row.value.quantize(Decimal("0.01")) == Decimal("68.29")
    assert row.reported == 4
    agri = IndicatorValue.objects.get(
        indicator__code="society-council-share",
        organization=societies["soc-agri"].organization,
        period__year=2025,
        period__kind="year",
    )
    assert (agri.numerator, agri.denominator, agri.report) == (Decimal(33), Decimal(45), None)
    # each year counts the councils in office at its end: in 2021 the agricultural society's
    # 7th council (24 of 41) and the medical one; from 2022 the agricultural 8th and the computer
    assert province_figure(plan14, 2021).numerator == Decimal(24 + 36)
    assert province_figure(plan14, 2021).reported == 2
    assert province_figure(plan14, 2022).numerator == Decimal(33 + 36 + 21)


def test_changing_a_member_moves_the_indicator(
    societies, plan14, django_capture_on_commit_callbacks
):
    medical = societies["soc-medical"]
    member = CouncilMember.objects.filter(
        term__society=medical, category=MemberCategory.OTHER
    ).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.council_member_save(
            actor=user("province_admin"),
            term=member.term,
            member=member,
            name=member.name,
            employer=member.employer,
            position=member.position,
            category=MemberCategory.GRASSROOTS,
        )
    row = province_figure(plan14, 2025)
    assert (row.numerator, row.denominator) == (Decimal(113), Decimal(164))
    with django_capture_on_commit_callbacks(execute=True):
        services.council_member_save(
            actor=user("province_admin"),
            term=member.term,
            member=member,
            name=member.name,
            employer=member.employer,
            position=member.position,
            category=MemberCategory.GRASSROOTS,
            left_on=dt.date(2025, 6, 30),
        )
    assert (province_figure(plan14, 2025).numerator, province_figure(plan14, 2025).denominator) == (
        Decimal(112),
        Decimal(163),
    )
    assert province_figure(plan14, 2024).denominator == Decimal(164)  # still serving then


def test_the_overview_lists_the_societies_below_two_thirds_and_overdue_terms(societies):
    overview = society_overview(Society.objects.all(), day=TODAY)
    assert overview.target == Decimal("66.7")
    # below on either body: the medical council, the computer federation's standing council
    assert [r.society.organization.code for r in overview.below] == ["soc-medical", "soc-computer"]
    medical, computer = overview.below
    assert (medical.council_below, medical.standing_below) == (True, True)
    assert (computer.council_below, computer.standing_below) == (False, True)
    assert [r.society.organization.code for r in overview.overdue] == ["soc-medical"]
    assert (overview.totals.qualifying, overview.totals.total) == (112, 164)
    agri = next(r for r in overview.rows if r.society.organization.code == "soc-agri")
    assert agri.term.number == 8 and agri.counts.share == Decimal("73.3")
    assert agri.counts.standing_total == 13


def test_a_re_election_replaces_the_overdue_council(societies, django_capture_on_commit_callbacks):
    medical = societies["soc-medical"]
    with django_capture_on_commit_callbacks(execute=True):
        term = services.term_save(
            actor=user("province_admin"),
            society=medical,
            starts_on=dt.date(2026, 10, 15),
            copy_members=True,
        )
    assert (term.number, term.ends_on) == (10, dt.date(2031, 10, 15))
    assert term.members.count() == 62
    overview = society_overview(Society.objects.filter(pk=medical.pk), day=TODAY)
    assert overview.overdue == []
    with pytest.raises(ValidationError):
        services.term_save(
            actor=user("province_admin"), society=medical, starts_on=dt.date(2026, 1, 1)
        )


def test_the_evaluation_ranks_and_warns_the_bottom_society_for_consecutive_years(societies):
    computer = societies["soc-computer"]
    assert computer.status == SocietyStatus.WARNED
    results = EvaluationResult.objects.filter(society=computer).order_by("round__year")
    assert [
        (r.round.year, r.rank, r.at_bottom, r.consecutive_bottom, r.outcome) for r in results
    ] == [
        (2023, 3, False, 0, ""),
        (2024, 4, True, 1, ""),
        (2025, 4, True, 2, "warned"),
    ]
    assert (
        EvaluationResult.objects.get(round__year=2025, rank=1).society.organization.code
        == "soc-agri"
    )


def test_a_third_year_at_the_bottom_starts_the_exit(societies):
    admin = user("province_admin")
    province = EvaluationRound.objects.get(year=2025).organization
    round_2026 = services.evaluation_round_create(actor=admin, organization=province, year=2026)
    assert round_2026.criteria.count() == 5  # carried over from 2025
    with pytest.raises(ValidationError, match="评分不全"):
        services.evaluation_round_close(actor=admin, evaluation_round=round_2026)
    for criterion in round_2026.criteria.all():
        for code, society in societies.items():
            score = criterion.max_score / (2 if code == "soc-computer" else 1)
            services.evaluation_score_set(
                actor=admin, criterion=criterion, society=society, score=score
            )
    services.evaluation_round_close(actor=admin, evaluation_round=round_2026)
    computer = societies["soc-computer"]
    computer.refresh_from_db()
    assert computer.status == SocietyStatus.EXITING
    result = EvaluationResult.objects.get(round=round_2026, society=computer)
    assert (result.consecutive_bottom, result.outcome) == (3, "exiting")
    with pytest.raises(ValidationError, match="考评已结束"):
        services.evaluation_score_set(
            actor=admin, criterion=round_2026.criteria.first(), society=computer, score=1
        )


def test_only_the_province_scores_and_sets_the_status(societies):
    officer = user("society_officer")
    agri = societies["soc-agri"]
    round_2025 = EvaluationRound.objects.get(year=2025)
    services.evaluation_round_reopen(actor=user("reviewer"), evaluation_round=round_2025)
    criterion = round_2025.criteria.first()
    with pytest.raises(PermissionDenied):
        services.evaluation_score_set(actor=officer, criterion=criterion, society=agri, score=1)
    with pytest.raises(PermissionDenied):
        services.society_set_status(
            actor=officer, society=agri, status=SocietyStatus.ACTIVE, note=""
        )
    with pytest.raises(PermissionDenied):
        services.evaluation_score_set(
            actor=user("leader"), criterion=criterion, society=agri, score=1
        )
    # the provincial reviewer may; a score above the criterion's maximum is refused
    with pytest.raises(ValidationError):
        services.evaluation_score_set(
            actor=user("reviewer"), criterion=criterion, society=agri, score=criterion.max_score + 1
        )
    services.evaluation_score_set(
        actor=user("reviewer"), criterion=criterion, society=agri, score=1
    )
    # the society officer keeps the society's own records
    services.society_update(actor=officer, society=agri, individual_members=2900)
    with pytest.raises(PermissionDenied):
        services.society_update(
            actor=officer, society=societies["soc-medical"], individual_members=1
        )


def test_the_daily_job_counts_a_leaving_date_when_it_comes(
    societies, plan14, django_capture_on_commit_callbacks
):
    from societies.jobs import refresh_council_shares

    agri = societies["soc-agri"]
    member = CouncilMember.objects.filter(term__society=agri, term__number=8).first()
    # recorded in 2025 ahead of time: leaving on 1 December 2025
    with django_capture_on_commit_callbacks(execute=True):
        services.council_member_save(
            actor=user("society_officer"),
            term=member.term,
            member=member,
            **{name: getattr(member, name) for name in services.MEMBER_FIELDS}
            | {"left_on": dt.date(2025, 12, 1)},
        )
        services.council_share_refresh(society=agri, today=dt.date(2025, 11, 30))
    assert province_figure(plan14, 2025).denominator == Decimal(164)
    with django_capture_on_commit_callbacks(execute=True):
        result = refresh_council_shares.delay(day="2025-12-01").get()
    assert result["periods"] >= 4
    assert province_figure(plan14, 2025).denominator == Decimal(163)
