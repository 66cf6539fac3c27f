"""Demo reporting data for `make run`: work items, assignments and reports in every state.

`load_demo` calls `demo_reports_load()` after the demo organisations and accounts exist. It
generates the 14th plan's quarterly reporting periods (2021–2025) and, for a few key tasks
(14, 17, 19, 22, 26, and 10, 13, 27), annual work items of 2024 and 2025 assigned to demo
organisations as lead and supporting units. Their reports are written through tasks.services by
the demo accounts themselves (the organisation's officer, or the provincial administrator where
no demo officer works) and reviewed by the demo `reviewer`, so every history row names a real
user. Between them the reports are in every state: draft, submitted, returned with a comment,
approved, "nothing to report", and approved reports corrected by a second revision.

The plan ran 2021–2025, so every one of its periods has passed: the 2024 items are reported and
approved all year, while the 2025 items leave some fourth-quarter (and a few third-quarter)
reports missing, returned or in draft. The officers' pages (/work/) therefore show overdue and
returned reports, and the reviewer's queue (/review/) has reports waiting, whatever today is.

Idempotent: a work item is identified by its key task, year and title; one that exists already is
left exactly as it is (with its assignments and reports), so running `load_demo` again creates
nothing and never touches what users changed.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from orgs.models import Organization
from plan.models import Indicator, KeyTask, Plan
from qhsta.scoping import ancestor_paths
from tasks import services
from tasks.choices import AssignmentRole, PeriodKind, ProgressStatus
from tasks.models import ReportingPeriod, WorkItem

PLAN_CODE = "qhsta-14th"
LITERACY = "science-literacy-rate"
ADMIN = "province_admin"
REVIEWER = "reviewer"

# Who writes an organisation's reports: the demo officer of the organisation or of the nearest
# organisation above it; the provincial administrator (who may report anywhere) for the rest.
REPORTERS = {
    "qhsta-societies-dept": "dept_officer",
    "soc-agri": "society_officer",
    "xining-datong": "datong_officer",
    "xining": "xining_officer",
    "haixi": "haixi_officer",
}

# The reports of one assignment, quarter by quarter (Q1 Q2 Q3 Q4):
#   -   no report (overdue on the officer's page)
#   D   a draft, not yet submitted
#   S   submitted, waiting for review
#   R   returned by the reviewer with a comment
#   A   approved
#   n   "nothing to report", submitted        N   "nothing to report", approved
#   C   approved, then a correction started (revision 2 is a draft)
#   CS  approved, corrected, revision 2 submitted
#   CA  approved, corrected, revision 2 approved
LEAD, SUPPORTING = AssignmentRole.LEAD, AssignmentRole.SUPPORTING


@dataclass(frozen=True)
class DemoAssignment:
    org: str
    role: str
    states: str
    literacy: bool = False  # reports the science-literacy indicator (prefectures, task 19)


@dataclass(frozen=True)
class DemoItem:
    task: int
    year: int
    title: str
    description: str
    due: str  # MM-DD in the item's year
    assignments: tuple[DemoAssignment, ...]
    weight: str = "1"


A = DemoAssignment
WORK_ITEMS: tuple[DemoItem, ...] = (
    # 14 加强学会组织建设
    DemoItem(
        14,
        2024,
        "指导省级学会按期换届并优化理事会结构",
        "督促到期学会按章程换届,提高科技领军人才、青年科技骨干和基层一线科技工作者在理事会中的比例。",
        "12-31",
        (
            A("qhsta-societies-dept", LEAD, "A A CA A"),
            A("soc-agri", SUPPORTING, "N A A A"),
            A("soc-medical", SUPPORTING, "A A A A"),
        ),
        weight="2",
    ),
    DemoItem(
        14,
        2025,
        "建立学会工作考评指标体系",
        "制定学会工作考评指标,完善正向激励与反向约束双向管理制度。",
        "11-30",
        (
            A("qhsta-societies-dept", LEAD, "A A R -"),
            A("soc-agri", SUPPORTING, "A n S D"),
        ),
    ),
    DemoItem(
        14,
        2025,
        "督促指导市(州)科协加强学会建设",
        "指导市(州)、县(市、区)科协规范学会管理,推动组建学科联合体。",
        "12-31",
        (
            A("xining", LEAD, "A A A R"),
            A("haixi", SUPPORTING, "A A S -"),
        ),
    ),
    # 17 搭建高水平学术交流平台
    DemoItem(
        17,
        2024,
        "办好2024年青海科技创新论坛",
        "围绕盐湖资源综合利用、清洁能源等重点产业,举办青海科技创新论坛及分论坛。",
        "10-31",
        (
            A("qhsta-societies-dept", LEAD, "A A A A"),
            A("soc-computer", SUPPORTING, "A A A A"),
            A("univ-qhu", SUPPORTING, "N A A A"),
        ),
        weight="2",
    ),
    DemoItem(
        17,
        2025,
        "培育“一会一品牌”特色学术会议",
        "支持省级学会做精做强有特色的品牌学术会议。",
        "12-31",
        (
            A("soc-agri", LEAD, "A A C -"),
            A("soc-ecology", SUPPORTING, "A A A S"),
        ),
    ),
    DemoItem(
        17,
        2025,
        "推进优秀科技期刊建设和数字化办刊",
        "强化学会办刊能力,提高数字化办刊水平。",
        "12-31",
        (A("qhsta-societies-dept", LEAD, "A A A S"),),
    ),
    # 19 协同推进科学素质提升行动和精品科普工程
    DemoItem(
        19,
        2024,
        "开展重点人群科学素质提升行动",
        "面向青少年、农牧民、产业工人、老年人、领导干部和公务员开展科学素质提升行动;"
        "各市(州)报送年度公民科学素质抽样调查结果。",
        "12-31",
        (
            A("qhsta-sciencepop-dept", LEAD, "A A A A"),
            A("xining", SUPPORTING, "A A A A", literacy=True),
            A("haixi", SUPPORTING, "A A CA A", literacy=True),
            A("haidong", SUPPORTING, "A A A A", literacy=True),
        ),
        weight="3",
    ),
    DemoItem(
        19,
        2025,
        "开展2025年全省公民科学素质监测调查",
        "按统一方案开展公民科学素质监测调查,各市(州)报送调查样本和具备科学素质人数。",
        "12-31",
        (
            A("qhsta-sciencepop-dept", LEAD, "A A A S"),
            A("xining", SUPPORTING, "A A S R", literacy=True),
            A("haixi", SUPPORTING, "A A A -", literacy=True),
            A("haidong", SUPPORTING, "A N A S", literacy=True),
        ),
        weight="3",
    ),
    DemoItem(
        19,
        2025,
        "创建全国科普示范县(区)",
        "对照全国科普示范县(区)创建标准,完善基层科普服务体系。",
        "12-31",
        (
            A("xining-datong", LEAD, "A A S -"),
            A("haixi-golmud", SUPPORTING, "A A A D"),
        ),
    ),
    # 22 实施科普阵地建设工程
    DemoItem(
        22,
        2024,
        "推动有条件的县(市、区)科技馆应建尽建",
        "争取国家级乡村振兴重点帮扶县科技馆建设项目,推进县级科技馆建设。",
        "12-31",
        (
            A("qhsta-sciencepop-dept", LEAD, "A A A A"),
            A("haixi", SUPPORTING, "A A A A"),
            A("xining-datong", SUPPORTING, "N A A A"),
        ),
        weight="2",
    ),
    DemoItem(
        22,
        2025,
        "建立科普场馆联盟,推动科普资源融合共享",
        "联合科技馆、博物馆、文化馆建立科普场馆联盟,共享展教资源。",
        "12-31",
        (
            A("qhsta-museum", LEAD, "A A A S"),
            A("xining", SUPPORTING, "A A R -"),
        ),
    ),
    # 26 畅通建言献策渠道
    DemoItem(
        26,
        2024,
        "办好《科技工作者建言》专刊",
        "征集科技工作者建议,全年编发《科技工作者建言》专刊。",
        "12-31",
        (
            A("qhsta-research-dept", LEAD, "A A A A"),
            A("soc-medical", SUPPORTING, "A N A A"),
        ),
    ),
    DemoItem(
        26,
        2025,
        "建立调研课题全流程网络管理系统",
        "实现调研课题选题征集、公开申报、开题评审、结题验收的网上管理。",
        "12-31",
        (
            A("qhsta-research-dept", LEAD, "A A S D"),
            A("qhsta-office", SUPPORTING, "A A A -"),
        ),
    ),
    # 10 推进“科创中国”试点城市工作
    DemoItem(
        10,
        2025,
        "推进西宁市“科创中国”试点城市建设",
        "运用“科创中国”平台对接科技服务团,推动试点工作落地见效。",
        "12-31",
        (A("xining", LEAD, "A CS A -"),),
        weight="2",
    ),
    # 13 实施助力乡村振兴工程
    DemoItem(
        13,
        2025,
        "推广“专家+农技协+公司+农牧户”科技助农模式",
        "组织农学会专家深入脱贫县开展特色产业技术服务。",
        "12-31",
        (
            A("soc-agri", LEAD, "A A A R"),
            A("haidong", SUPPORTING, "A A A A"),
        ),
    ),
    # 27 完善科协组织体系
    DemoItem(
        27,
        2025,
        "推进乡镇(街道)科协组织建设",
        "在科技工作者比较集中的乡镇(街道)建立科协组织,扩大“三长”进入科协领导机构覆盖面。",
        "12-31",
        (
            A("haixi", LEAD, "A A R D"),
            A("xining", SUPPORTING, "A A A A"),
            A("haixi-delingha", SUPPORTING, "N A S -"),
        ),
    ),
)

RETURN_COMMENTS = (
    "进展描述过于笼统,请补充本季度完成的具体活动、参与人数和佐证材料。",
    "完成比例与上季度相比没有变化,请说明原因并提出下一步措施。",
    "请补充问题和困难的具体情况以及整改时限。",
)

NARRATIVE = {
    1: "制定“{title}”年度工作方案,明确责任分工和时间节点,召开工作部署会。",
    2: "按方案推进“{title}”,完成阶段性任务,组织开展专题活动。",
    3: "“{title}”持续推进,年度任务大部分完成,开展了中期检查。",
    4: "“{title}”年度任务全面完成,形成工作总结并报送省科协。",
}
NEXT_STEPS = {
    1: "细化任务清单,推动各项工作落地。",
    2: "总结上半年经验,加快推进重点环节。",
    3: "查漏补缺,确保年底前完成全部任务。",
    4: "做好总结评估,谋划下一年度工作。",
}
PERCENT = {1: 20, 2: 45, 3: 70, 4: 100}


@dataclass
class DemoReportsResult:
    periods: int = 0
    work_items: int = 0
    reports: int = 0
    skipped: list[str] = field(default_factory=list)


class _Writer:
    """Writes one assignment's reports through the services, as the demo accounts."""

    def __init__(self, users: dict, literacy: Indicator | None, orgs: dict):
        self.users = users
        self.literacy = literacy
        self.by_path = {o.path: o for o in orgs.values()}
        self.returned = 0

    def reporter(self, org: Organization):
        for path in reversed(ancestor_paths(org.path, include_self=True)):
            node = self.by_path.get(path)
            if node is not None and REPORTERS.get(node.code) in self.users:
                return self.users[REPORTERS[node.code]]
        return self.users[ADMIN]

    def content(self, item: DemoItem, quarter: int, step: str) -> dict:
        if step.lstrip("C").lower() == "n":
            return {"nothing_to_report": True}
        returned = step == "R"
        percent = PERCENT[quarter] - (15 if returned else 0)
        status = ProgressStatus.COMPLETED if percent == 100 else ProgressStatus.ON_TRACK
        data = {
            "nothing_to_report": False,
            "percent_complete": Decimal(percent),
            "progress_status": ProgressStatus.DELAYED if returned else status,
            "narrative": NARRATIVE[quarter].format(title=item.title),
            "problems": "基层工作力量不足,部分活动因天气原因推迟。" if returned else "",
            "next_steps": NEXT_STEPS[quarter],
        }
        if step == "D":
            data.update(percent_complete=None, progress_status="", next_steps="")
        return data

    def values(self, spec: DemoAssignment, item: DemoItem, quarter: int, step: str) -> list:
        """No figure is typed for the literacy indicator the prefectures carry: the survey
        register (sciencepop) feeds it, so it is not entered twice."""
        return []

    def write(self, assignment, spec: DemoAssignment, item: DemoItem, period, quarter, step):
        if step == "-":
            return 0
        officer, reviewer = self.reporter(assignment.organization), self.users[REVIEWER]
        report = services.report_open(user=officer, assignment=assignment, period=period)
        report = services.report_save(
            user=officer,
            report=report,
            version=report.version,
            data=self.content(item, quarter, step),
            values=self.values(spec, item, quarter, step),
        )
        if step == "D":
            return 1
        report = services.report_submit(user=officer, report=report, version=report.version)
        if step in ("S", "n"):
            return 1
        if step == "R":
            comment = RETURN_COMMENTS[self.returned % len(RETURN_COMMENTS)]
            self.returned += 1
            services.report_return(user=reviewer, report=report, comment=comment)
            return 1
        report = services.report_approve(user=reviewer, report=report)
        if not step.startswith("C"):
            return 1
        # a correction: the approved revision stays, revision 2 goes through review again
        revision = services.report_correct(user=officer, report=report)
        revision = services.report_save(
            user=officer,
            report=revision,
            version=revision.version,
            data={
                "narrative": revision.narrative
                + "(更正:补报本季度开展的两场基层宣讲活动及参与人数。)"
            },
        )
        if step == "CS":
            services.report_submit(user=officer, report=revision, version=revision.version)
        elif step == "CA":
            revision = services.report_submit(
                user=officer, report=revision, version=revision.version
            )
            services.report_approve(user=reviewer, report=revision)
        return 2


def demo_reports_load() -> DemoReportsResult:
    """Create the demo work items, assignments and reports that are missing (see the module)."""
    result = DemoReportsResult()
    plan = Plan.objects.filter(code=PLAN_CODE).first()
    if plan is None:
        result.skipped.append(f"plan {PLAN_CODE} is not loaded (run load_plan first)")
        return result
    usernames = {ADMIN, REVIEWER, *REPORTERS.values()}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    if ADMIN not in users or REVIEWER not in users:
        result.skipped.append(f"the demo accounts {ADMIN} and {REVIEWER} are missing")
        return result
    result.periods = services.periods_generate(plan=plan, kind=PeriodKind.QUARTER)
    orgs = {o.code: o for o in Organization.objects.all()}
    tasks = {t.number: t for t in KeyTask.objects.filter(plan=plan)}
    periods = {
        (p.year, p.number): p
        for p in ReportingPeriod.objects.filter(plan=plan, kind=PeriodKind.QUARTER)
    }
    writer = _Writer(users, Indicator.objects.filter(plan=plan, code=LITERACY).first(), orgs)
    admin = users[ADMIN]
    for item in WORK_ITEMS:
        task = tasks.get(item.task)
        missing = [a.org for a in item.assignments if a.org not in orgs]
        if task is None or missing:
            result.skipped.append(f"{item.title}: key task or organisations {missing} missing")
            continue
        if WorkItem.objects.filter(key_task=task, year=item.year, title=item.title).exists():
            continue
        try:
            with transaction.atomic():
                work_item = services.work_item_save(
                    actor=admin,
                    key_task=task,
                    year=item.year,
                    title=item.title,
                    description=item.description,
                    weight=Decimal(item.weight),
                    due_date=dt.date.fromisoformat(f"{item.year}-{item.due}"),
                )
                written = 0
                for spec in item.assignments:
                    assignment = services.assignment_save(
                        actor=admin,
                        work_item=work_item,
                        organization=orgs[spec.org],
                        role=spec.role,
                        indicators=[writer.literacy] if spec.literacy and writer.literacy else (),
                    )
                    for quarter, step in enumerate(spec.states.split(), start=1):
                        period = periods[(item.year, quarter)]
                        written += writer.write(assignment, spec, item, period, quarter, step)
        except (PermissionDenied, ValidationError) as exc:
            # an organisation deactivated or an account changed by hand: leave that item out
            result.skipped.append(f"{item.title}: {exc}")
            continue
        result.work_items += 1
        result.reports += written
    return result
