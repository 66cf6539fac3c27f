"""Demo data of the four demo societies for `make run`: registry, councils, evaluation, brands.

Written through societies.services by the demo accounts (the society officer for the
agricultural society's council, the provincial administrator for the rest), so the council
indicator is fed and rolled up like any other change. Between them the societies show every
case the pages explain: the medical association's council and standing council are below the
two-thirds target and its re-election is overdue; the computer federation's standing council
(6 of 9) is just below it, and the standing councils together (31 of 48, 64.6 %) are too, so task
14's target is not met; the computer federation ranked last in the 2024 and 2025
evaluations and is on warning. Idempotent: a society that has a registry entry is left as is.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Organization

from . import services
from .choices import CouncilPosition, Discipline, JournalFrequency, MemberCategory
from .models import EvaluationRound, Society

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "海宁青昆仑德明华军平杰涛强磊洋勇艳娟丽敏静秀英玉兰桂芳红梅霞燕建国志刚文斌卓玛才让"

# code: registry, then the councils: (number, elected, members, qualifying, standing)
SOCIETIES = {
    "soc-agri": {
        "registry": {
            "discipline": Discipline.AGRICULTURE,
            "supervising_unit": "青海省科学技术协会",
            "founded_on": dt.date(1956, 10, 1),
            "individual_members": 2860,
            "group_members": 48,
            "secretariat_staff": 5,
        },
        "terms": [(7, dt.date(2016, 11, 20), 41, 24, 11), (8, dt.date(2022, 11, 26), 45, 33, 13)],
        "employers": [
            "青海大学农牧学院",
            "青海省农林科学院",
            "湟中区农业技术推广中心",
            "海东市乐都区农技站",
        ],
        "brand": (
            "青藏高原现代农牧业发展论坛",
            "西宁",
            [(2023, 260, 58), (2024, 310, 66), (2025, 340, 71)],
        ),
        "journals": [
            ("青海农林科技", "1004-9967", "63-1040/S", JournalFrequency.QUARTERLY, 1976, False)
        ],
    },
    "soc-medical": {
        "registry": {
            "discipline": Discipline.MEDICINE,
            "supervising_unit": "青海省科学技术协会",
            "founded_on": dt.date(1952, 6, 15),
            "individual_members": 9120,
            "group_members": 112,
            "secretariat_staff": 9,
        },
        "terms": [(9, dt.date(2019, 9, 12), 62, 36, 17)],
        "employers": ["青海大学附属医院", "青海省人民医院", "青海红十字医院", "玉树州人民医院"],
        "brand": ("高原医学学术年会", "西宁", [(2024, 620, 210), (2025, 680, 236)]),
        "journals": [
            ("高原医学杂志", "1007-3809", "63-1017/R", JournalFrequency.QUARTERLY, 1991, True)
        ],
    },
    "soc-computer": {
        "registry": {
            "discipline": Discipline.ENGINEERING,
            "supervising_unit": "青海省科学技术协会",
            "founded_on": dt.date(1981, 5, 8),
            "individual_members": 640,
            "group_members": 21,
            "secretariat_staff": 2,
        },
        "terms": [(6, dt.date(2022, 6, 18), 30, 21, 9)],
        "employers": ["青海师范大学计算机学院", "青海大学计算机技术与应用系", "中国电信青海分公司"],
        "brand": None,
        "journals": [],
    },
    "soc-ecology": {
        "registry": {
            "discipline": Discipline.SCIENCE,
            "supervising_unit": "青海省科学技术协会",
            "founded_on": dt.date(1986, 3, 21),
            "individual_members": 780,
            "group_members": 16,
            "secretariat_staff": 3,
        },
        "terms": [(5, dt.date(2023, 4, 22), 27, 22, 9)],
        "employers": [
            "中国科学院西北高原生物研究所",
            "青海师范大学地理科学学院",
            "三江源国家公园管理局",
        ],
        "brand": ("三江源生态保护学术研讨会", "玉树", [(2024, 180, 42), (2025, 220, 51)]),
        "journals": [],
    },
}

CRITERIA = [
    ("党建强会", "功能型党组织建设、党建活动", Decimal(15)),
    ("依章治会", "按期换届、会员代表大会、财务规范", Decimal(20)),
    ("学术交流", "学术会议、品牌会议、期刊", Decimal(25)),
    ("服务创新与决策咨询", "科技服务、团体标准、咨询报告", Decimal(25)),
    ("科普与会员服务", "科普活动、会员发展与服务", Decimal(15)),
]
# Scores per evaluation year, by society, as shares of each criterion's maximum.
SCORES = {
    2023: {"soc-agri": 0.88, "soc-medical": 0.91, "soc-computer": 0.79, "soc-ecology": 0.76},
    2024: {"soc-agri": 0.90, "soc-medical": 0.86, "soc-computer": 0.71, "soc-ecology": 0.82},
    2025: {"soc-agri": 0.92, "soc-medical": 0.84, "soc-computer": 0.69, "soc-ecology": 0.85},
}


def _name(index: int) -> str:
    surname = SURNAMES[index % len(SURNAMES)]
    given = GIVEN[(index * 7) % len(GIVEN)]
    second = GIVEN[(index * 13 + 5) % len(GIVEN)] if index % 3 else ""
    return surname + given + second


def _members(count: int, qualifying: int, standing: int, employers: list[str], seed: int):
    categories = [MemberCategory.LEADING, MemberCategory.YOUNG, MemberCategory.GRASSROOTS]
    for i in range(count):
        if i == 0:
            position = CouncilPosition.PRESIDENT
        elif i < 4:
            position = CouncilPosition.VICE_PRESIDENT
        elif i == 4:
            position = CouncilPosition.SECRETARY_GENERAL
        elif i < standing:
            position = CouncilPosition.STANDING_DIRECTOR
        else:
            position = CouncilPosition.DIRECTOR
        # qualifying members spread over the council, so the standing council is mixed too
        is_qualifying = (i * qualifying) // count != ((i + 1) * qualifying) // count
        yield {
            "name": _name(seed + i),
            "employer": employers[i % len(employers)],
            "position": position,
            "category": categories[i % 3] if is_qualifying else MemberCategory.OTHER,
        }


@transaction.atomic
def societies_demo_load() -> str:
    """Create the demo societies' records; returns a line saying what was created."""
    users = get_user_model().objects
    admin = users.get(username="province_admin")
    officer = users.filter(username="society_officer").first() or admin
    created = 0
    for seed, (code, data) in enumerate(SOCIETIES.items()):
        organization = Organization.objects.filter(code=code).first()
        if organization is None or Society.objects.filter(organization=organization).exists():
            continue
        society = services.society_register(
            actor=admin, organization=organization, **data["registry"]
        )
        actor = officer if code == "soc-agri" else admin
        for number, elected, count, qualifying, standing in data["terms"]:
            term = services.term_save(
                actor=actor, society=society, starts_on=elected, number=number
            )
            services.council_members_import(
                actor=actor,
                term=term,
                rows=list(_members(count, qualifying, standing, data["employers"], seed * 50)),
            )
        if data["brand"]:
            name, place, editions = data["brand"]
            for year, participants, papers in editions:
                services.conference_save(
                    actor=actor,
                    society=society,
                    name=name,
                    is_brand=True,
                    held_on=dt.date(year, 8, 20),
                    location=place,
                    participants=participants,
                    papers=papers,
                )
        for title, issn, cn, frequency, founded, core in data["journals"]:
            services.journal_save(
                actor=actor,
                society=society,
                title=title,
                issn=issn,
                cn_number=cn,
                frequency=frequency,
                founded_year=founded,
                is_core=core,
            )
        created += 1
    if created:
        _evaluations(admin)
    return f"demo: {created} learned societies registered with councils and evaluations"


def _evaluations(admin) -> None:
    province = Organization.objects.get(code="qhsta")
    societies = {s.organization.code: s for s in Society.objects.select_related("organization")}
    for year, shares in SCORES.items():
        if EvaluationRound.objects.filter(organization=province, year=year).exists():
            continue
        evaluation = services.evaluation_round_create(actor=admin, organization=province, year=year)
        if not evaluation.criteria.exists():
            for name, description, maximum in CRITERIA:
                services.evaluation_criterion_save(
                    actor=admin,
                    evaluation_round=evaluation,
                    name=name,
                    description=description,
                    max_score=maximum,
                )
        for criterion in evaluation.criteria.all():
            for code, share in shares.items():
                if code not in societies:
                    continue
                services.evaluation_score_set(
                    actor=admin,
                    criterion=criterion,
                    society=societies[code],
                    score=(criterion.max_score * Decimal(str(share))).quantize(Decimal("0.5")),
                )
        services.evaluation_round_close(actor=admin, evaluation_round=evaluation)
