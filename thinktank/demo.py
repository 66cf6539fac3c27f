"""Demo data of the think tank for `make run` (never in production): experts, consulting topics,
two calls with topics at every step (reviews, approval, mid-term check, acceptance, a result in
the bank) and suggestions from scientists, written through the services.

Names of people are invented for the demo; no record describes a real person or study."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from orgs.models import Organization

from . import services
from .choices import CallState
from .models import ConsultingTopic, Expert, Suggestion, TopicCall

EXPERTS = [
    ("soc-agri", "王建农", "青海省农林科学院", "研究员", "高原农业、种质资源", "available"),
    ("soc-agri", "李青禾", "青海大学农牧学院", "教授", "草地畜牧业、饲草", "available"),
    ("soc-medical", "赵雪莲", "青海省人民医院", "主任医师", "高原医学、公共卫生", "available"),
    (
        "soc-ecology",
        "马三江",
        "中国科学院西北高原生物研究所",
        "研究员",
        "生态保护、三江源",
        "available",
    ),
    ("soc-computer", "陈数智", "青海师范大学", "教授", "数字政府、大数据", "limited"),
    ("univ-qhu", "周盐湖", "青海大学", "教授", "盐湖化工、循环经济", "available"),
    (
        "qhsta-expert-centre",
        "孙高原",
        "青海省社会科学院",
        "研究员",
        "科技政策、区域发展",
        "available",
    ),
    (
        "qhsta-expert-centre",
        "刘清能",
        "国网青海省电力公司",
        "正高级工程师",
        "清洁能源、储能",
        "unavailable",
    ),
]

CONSULTING = [
    ("soc-ecology", "三江源国家公园生态监测科技支撑研究", "生态保护", 2026),
    ("soc-agri", "高原特色农牧业科技服务体系建设研究", "农业", 2026),
    ("univ-qhu", "盐湖资源综合利用关键技术需求调查", "盐湖化工", 2026),
]


def _expert(name: str) -> Expert:
    return Expert.objects.get(name=name)


@transaction.atomic
def demo_load() -> dict:
    """Load what is missing; keeps what users entered. Returns counts of rows created."""
    User = get_user_model()
    admin = User.objects.filter(username="province_admin").first()
    reviewer = User.objects.filter(username="reviewer").first() or admin
    society = User.objects.filter(username="society_officer").first() or admin
    xining = User.objects.filter(username="xining_officer").first() or admin
    orgs = {o.code: o for o in Organization.objects.all()}
    created = {"experts": 0, "consulting_topics": 0, "calls": 0, "topics": 0, "suggestions": 0}
    for code, name, employer, title, fields, availability in EXPERTS:
        org = orgs.get(code)
        if org is None or Expert.objects.filter(name=name).exists():
            continue
        services.expert_save(
            actor=admin,
            organization=org,
            name=name,
            employer=employer,
            title=title,
            expertise=fields,
            availability=availability,
        )
        created["experts"] += 1
    for code, title, field, year in CONSULTING:
        org = orgs.get(code)
        if org is None or ConsultingTopic.objects.filter(title=title).exists():
            continue
        services.consulting_topic_save(
            actor=admin,
            organization=org,
            title=title,
            field=field,
            year=year,
            description="演示数据：选题建议。",
        )
        created["consulting_topics"] += 1
    if admin is None or "qhsta" not in orgs or not Expert.objects.filter(name="王建农").exists():
        return created
    if not TopicCall.objects.filter(title="2025年度省科协调研课题").exists():
        _call_2025(admin, reviewer, society, orgs)
        created["calls"] += 1
        created["topics"] += 4
    if not TopicCall.objects.filter(title="2027年度省科协调研课题选题征集").exists():
        today = timezone.localdate()
        call = services.call_save(
            actor=admin,
            organization=orgs["qhsta"],
            year=today.year + 1,
            title="2027年度省科协调研课题选题征集",
            guide="围绕科技工作者状况、学会改革、基层科协组织建设等方向公开征集调研课题(演示数据)。",
            application_deadline=today + dt.timedelta(days=45),
            review_deadline=today + dt.timedelta(days=75),
            midterm_deadline=today + dt.timedelta(days=240),
            final_deadline=today + dt.timedelta(days=400),
        )
        services.call_transition(actor=admin, call=call, move="open")
        proposed = ConsultingTopic.objects.filter(title=CONSULTING[0][1], state="proposed").first()
        if proposed:
            services.consulting_topic_adopt(actor=admin, topic=proposed, call=call)
        services.topic_save(
            actor=society,
            call=call,
            organization=orgs["soc-agri"],
            title="牧区科技特派员服务成效调查",
            principal=_expert("李青禾"),
            summary="调查牧区科技特派员服务的覆盖面、方式和成效(演示数据)。",
            budget=Decimal("6"),
            team=[],
        )
        created["calls"] += 1
        created["topics"] += 1
    if not Suggestion.objects.exists():
        _suggestions(reviewer, society, xining, orgs)
        created["suggestions"] += 3
    return created


def _call_2025(admin, reviewer, society, orgs) -> None:
    start = dt.date(2025, 3, 1)
    call = services.call_save(
        actor=admin,
        organization=orgs["qhsta"],
        year=2025,
        title="2025年度省科协调研课题",
        guide="面向全省学会、高校和科技工作者公开征集调研课题(演示数据)。",
        application_deadline=dt.date(2025, 4, 15),
        review_deadline=dt.date(2025, 5, 31),
        midterm_deadline=dt.date(2025, 9, 30),
        final_deadline=dt.date(2025, 12, 31),
    )
    services.call_transition(actor=admin, call=call, move="open")
    specs = [
        ("soc-agri", "青海高原特色农牧业科技需求调查", "王建农", ["李青禾"], "conclude"),
        ("soc-medical", "高原地区基层医疗科技人才状况调查", "赵雪莲", [], "midterm_pass"),
        ("univ-qhu", "盐湖产业科技工作者队伍建设研究", "周盐湖", [], "approve"),
        ("soc-computer", "智慧科协数据共享机制研究", "陈数智", [], "reject"),
    ]
    topics = []
    for code, title, principal, team, _end in specs:
        actor = society if code == "soc-agri" else admin
        topic = services.topic_save(
            actor=actor,
            call=call,
            organization=orgs[code],
            title=title,
            principal=_expert(principal),
            summary=f"{title}：研究目标、方法和进度安排(演示数据)。",
            budget=Decimal("8"),
            team=[_expert(n) for n in team],
        )
        services.topic_transition(actor=actor, topic=topic, move="submit", today=start)
        topics.append(topic)
    services.call_transition(actor=admin, call=call, move="close")
    reviewers = ["马三江", "孙高原", "赵雪莲", "周盐湖"]
    for topic, (code, _t, _p, _team, end) in zip(topics, specs, strict=True):
        assigned = 0
        for name in reviewers:
            expert = _expert(name)
            if assigned == 2 or services.conflict_of_interest(expert, topic):
                continue
            review = services.review_assign(actor=reviewer, topic=topic, expert=expert)
            good = end != "reject"
            services.review_score(
                actor=reviewer,
                review=review,
                score=Decimal("86") if good else Decimal("58"),
                recommendation="approve" if good else "reject",
                comment="选题切合实际，方法可行(演示数据)。"
                if good
                else "研究基础不足(演示数据)。",
            )
            assigned += 1
        if end == "reject":
            services.topic_transition(
                actor=reviewer, topic=topic, move="reject", comment="专家评审未通过(演示数据)。"
            )
            continue
        topic = services.topic_transition(
            actor=reviewer, topic=topic, move="approve", comment="同意立项。"
        )
        if end == "approve":
            continue
        applicant = society if code == "soc-agri" else admin
        services.topic_report_save(
            actor=applicant,
            topic=topic,
            midterm_report="已完成调研问卷设计和两个州的实地调研(演示数据)。",
        )
        topic = services.topic_transition(
            actor=reviewer, topic=topic, move="midterm_pass", comment="进度符合计划。"
        )
        if end == "midterm_pass":
            continue
        services.topic_report_save(
            actor=applicant,
            topic=topic,
            final_report="形成调研报告一份、政策建议三条(演示数据)。",
        )
        services.topic_transition(
            actor=reviewer, topic=topic, move="conclude", comment="同意结题。"
        )
    call.refresh_from_db()
    if call.state == CallState.REVIEWING:
        services.call_transition(actor=admin, call=call, move="conclude")


def _suggestions(reviewer, society, xining, orgs) -> None:
    first = services.suggestion_submit(
        actor=society,
        organization=orgs["soc-agri"],
        author="王建农等3人",
        title="关于加强高原种质资源保护利用的建议",
        field="农业",
        content="建议建立全省种质资源普查数据共享平台……(演示数据)",
    )
    services.suggestion_transition(actor=reviewer, suggestion=first, move="accept")
    services.suggestion_transition(
        actor=reviewer,
        suggestion=first,
        move="answer",
        outcome="published",
        feedback="已编入《科技工作者建言》专刊报送省委、省政府(演示数据)。",
    )
    second = services.suggestion_submit(
        actor=xining,
        organization=orgs["xining"],
        author="西宁市科技工作者代表",
        title="关于完善社区科普设施的建议",
        field="科普",
        content="建议在新建社区配套建设科普活动室……(演示数据)",
    )
    services.suggestion_transition(actor=reviewer, suggestion=second, move="accept")
    services.suggestion_submit(
        actor=society,
        organization=orgs["soc-agri"],
        author="李青禾",
        title="关于设立牧区科技特派员专项的建议",
        field="农牧业",
        content="建议每个牧业县配备不少于5名科技特派员……(演示数据)",
    )
