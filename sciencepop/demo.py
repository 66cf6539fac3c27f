"""Demo data of science popularisation for `make run` (never in production): survey results of
the eight prefectures for 2021–2025 (two have no 2025 result yet), county venues, bases and
events, written through the services so the plan's literacy and coverage indicators move as they
would in use. The survey register is the literacy indicator's only source: the demo reports do
not type it.

Every figure here is illustrative (marked 演示数据 in its source or notes), not a survey result."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Organization
from plan.models import Plan

from . import services
from .models import LiteracySurvey, ScienceBase, ScienceEvent, Venue

DEMO_SOURCE = "演示数据(非真实调查结果)"
DEMO_NOTE = "演示数据"

# prefecture: (population represented, published rates 2021–2025 in %; None: not yet surveyed)
# 2022 is entered as a sample (size and literate count) to show both ways of entering a result.
SURVEYS = {
    "xining": (1_750_000, ["9.10", "10.20", "11.30", "12.40", "13.60"]),
    "haidong": (1_100_000, ["5.60", "6.40", "7.30", "8.10", "8.95"]),
    "haibei": (190_000, ["5.20", "5.90", "6.70", "7.50", "8.30"]),
    "huangnan": (200_000, ["4.30", "4.90", "5.60", "6.40", "7.10"]),
    "hainan": (330_000, ["5.30", "6.00", "6.80", "7.60", "8.50"]),
    "golog": (150_000, ["3.10", "3.60", "4.30", "5.10", None]),
    "yushu": (300_000, ["3.00", "3.50", "4.20", "4.90", None]),
    "haixi": (380_000, ["7.60", "8.40", "9.30", "10.20", "11.20"]),
}
SAMPLE_YEAR, SAMPLE_SIZE = 2022, 2000

VENUES = [
    ("xining-datong", "大通县科技馆", "science_museum", "open", dt.date(2021, 9, 18), 4200),
    ("xining-huangzhong", "湟中区科技馆", "science_museum", "open", dt.date(2023, 5, 20), 3600),
    ("xining-chengdong", "城东区青少年科普馆", "themed_museum", "open", dt.date(2022, 6, 1), 900),
    ("haidong-huzhu", "互助县农村中学科技馆", "school_museum", "open", dt.date(2024, 3, 1), 260),
    ("haidong-ledu", "乐都区科技馆", "science_museum", "building", None, 5000),
    ("haixi-golmud", "格尔木市科技馆", "science_museum", "open", dt.date(2020, 11, 8), 6800),
    (
        "haixi-delingha",
        "德令哈市流动科技馆服务站",
        "mobile_museum",
        "open",
        dt.date(2025, 4, 12),
        None,
    ),
]

BASES = [
    ("qhsta-museum", "青海科技馆", "national", "综合科普", 2021, 2025),
    ("soc-ecology", "青海湖生态科普教育基地", "provincial", "生态科普", 2022, 2026),
    ("soc-medical", "青海省健康科普教育基地", "provincial", "健康科普", 2023, 2027),
]

EVENTS = [
    (
        "qhsta",
        "2025年青海省科技活动周",
        "science_week",
        "青海科技馆",
        dt.date(2025, 5, 24),
        7,
        18500,
        260000,
        False,
        "青海科技馆",
    ),
    (
        "xining",
        "2025年西宁市全国科普日主场活动",
        "science_day",
        "",
        dt.date(2025, 9, 20),
        3,
        9200,
        54000,
        False,
        "中心广场",
    ),
    (
        "haixi-golmud",
        "汉藏双语科普大篷车进牧区",
        "rural_tour",
        "",
        dt.date(2025, 7, 8),
        10,
        3100,
        0,
        True,
        "格尔木市唐古拉山镇",
    ),
    (
        "soc-ecology",
        "三江源生态保护科普讲座",
        "lecture",
        "青海湖生态科普教育基地",
        dt.date(2025, 6, 5),
        1,
        420,
        12000,
        False,
        "青海湖",
    ),
    (
        "soc-medical",
        "高原健康科普进社区",
        "lecture",
        "青海省健康科普教育基地",
        dt.date(2025, 10, 15),
        1,
        650,
        8000,
        True,
        "西宁市城中区",
    ),
]


@transaction.atomic
def demo_load() -> dict:
    """Load what is missing; keeps what users entered. Returns counts of rows created."""
    actor = get_user_model().objects.filter(username="province_admin").first()
    orgs = {o.code: o for o in Organization.objects.all()}
    created = {"surveys": 0, "venues": 0, "bases": 0, "events": 0}
    for plan in Plan.objects.all():
        services.coverage_indicator_ensure(plan=plan)
    for code, (population, rates) in SURVEYS.items():
        org = orgs.get(code)
        if org is None:
            continue
        for year, rate in enumerate(rates, start=2021):
            if rate is None or LiteracySurvey.objects.filter(organization=org, year=year).exists():
                continue
            if year == SAMPLE_YEAR:
                literate = round(SAMPLE_SIZE * Decimal(rate) / 100)
                result = {"sample_size": SAMPLE_SIZE, "sample_literate": literate}
            else:
                result = {"reported_rate": Decimal(rate)}
            services.literacy_survey_save(
                actor=actor,
                organization=org,
                year=year,
                population=population,
                source=DEMO_SOURCE,
                **result,
            )
            created["surveys"] += 1
    for code, name, kind, status, opened, area in VENUES:
        org = orgs.get(code)
        if org is None or Venue.objects.filter(organization=org, name=name).exists():
            continue
        services.venue_save(
            actor=actor,
            organization=org,
            name=name,
            kind=kind,
            status=status,
            opened_on=opened,
            floor_area=Decimal(area) if area else None,
            notes=DEMO_NOTE,
        )
        created["venues"] += 1
    services.venue_coverage_feed_all()  # counties without a venue count too
    for code, name, level, theme, since, until in BASES:
        org = orgs.get(code)
        if org is None or ScienceBase.objects.filter(organization=org, name=name).exists():
            continue
        services.science_base_save(
            actor=actor,
            organization=org,
            name=name,
            level=level,
            theme=theme,
            recognised_year=since,
            valid_until=until,
            is_active=True,
        )
        created["bases"] += 1
    for code, title, kind, base, start, days, people, views, bilingual, place in EVENTS:
        org = orgs.get(code)
        if org is None or ScienceEvent.objects.filter(organization=org, title=title).exists():
            continue
        services.science_event_save(
            actor=actor,
            organization=org,
            title=title,
            kind=kind,
            base=ScienceBase.objects.filter(name=base).first() if base else None,
            starts_on=start,
            ends_on=start + dt.timedelta(days=days - 1),
            location=place,
            attendance=people,
            online_views=views,
            bilingual=bilingual,
            notes=DEMO_NOTE,
        )
        created["events"] += 1
    return created
