"""The 14th plan is loaded faithfully from its data file, and load_plan is safe to run again."""

import os
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from plan.models import Guarantee, Indicator, KeyTask, Plan, Principle, SpecificGoal, TaskGroup

SOURCE = (
    Path(settings.BASE_DIR) / "plan" / "data" / "source" / "qinghai-sta-14th-five-year-plan.txt"
)
SHARED_SOURCE = Path(settings.BASE_DIR).parent / "shared" / "seed" / SOURCE.name
MODELS = [Plan, Principle, SpecificGoal, Guarantee, TaskGroup, KeyTask, Indicator]


def source_lines() -> list[str]:
    return SOURCE.read_text(encoding="utf-8").split("\n")


def body_lines() -> list[str]:
    """The document after its table of contents."""
    lines = source_lines()
    start = next(i for i, line in enumerate(lines) if line.startswith("根据《"))
    return lines[start:]


def test_project_copy_of_the_document_is_the_seed():
    """The project's copy of the plan document is the seed's, byte for byte. Outside CI a
    checkout without the seed beside it skips (visibly); under CI a missing seed fails."""
    if not SHARED_SOURCE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the seed document {SHARED_SOURCE} is missing")
        pytest.skip(f"no seed document at {SHARED_SOURCE}")
    assert SOURCE.read_bytes() == SHARED_SOURCE.read_bytes()


def test_plan_header_matches_the_document(plan14):
    lines = source_lines()
    assert plan14.title == lines[0] == "青海省科学技术协会事业发展“十四五”规划(2021-2025年)"
    assert plan14.document_number == "青科协发〔2022〕8号" == lines[3]
    assert plan14.issuer == "青海省科学技术协会"
    assert plan14.issued_on.isoformat() == "2022-03-01"
    assert (plan14.start_year, plan14.end_year) == (2021, 2025)
    overall = body_lines()[body_lines().index("总体目标:") + 1]
    assert plan14.overall_goal == overall
    assert plan14.overall_goal.startswith("到2025年,")


def test_five_principles_and_seven_specific_goals_verbatim(plan14):
    body = body_lines()
    principle_lines = body[body.index("二、基本原则") + 1 : body.index("三、发展目标")]
    principles = list(plan14.principles.order_by("number"))
    assert [p.title for p in principles] == [
        "坚持党的领导",
        "坚持以科技工作者为本",
        "坚持问题导向",
        "坚持改革创新",
        "坚持赋能基层",
    ]
    assert [f"——{p.title}。{p.text}" for p in principles] == principle_lines

    goal_lines = body[body.index("具体目标:") + 1 : body.index("四、重点任务")]
    goals = list(plan14.specific_goals.order_by("number"))
    assert len(goals) == 7
    assert [f"——{g.title}。{g.text}" for g in goals] == goal_lines


def test_seven_groups_and_31_tasks_byte_for_byte(plan14):
    body = body_lines()
    section = body[body.index("四、重点任务") + 1 : body.index("五、实施保障")]
    groups = list(plan14.task_groups.order_by("number"))
    assert [g.number for g in groups] == [1, 2, 3, 4, 5, 6, 7]
    assert [g.key_tasks.count() for g in groups] == [4, 4, 5, 5, 5, 3, 5]
    assert groups[0].title == "强化思想政治引领"
    assert groups[6].title == "推进科协治理体系和治理能力现代化"

    rebuilt = []
    for group in groups:
        rebuilt.append(f"{group.label}{group.title}")
        rebuilt.extend(t.full_text for t in group.key_tasks.order_by("number"))
    assert rebuilt == section  # every heading and every task paragraph, character for character
    numbers = list(KeyTask.objects.filter(plan=plan14).values_list("number", flat=True))
    assert numbers == list(range(1, 32))
    # full-width punctuation of the document is kept as it is
    assert "“科创中国”" in KeyTask.objects.get(plan=plan14, number=10).text


def test_four_guarantees(plan14):
    body = body_lines()
    rest = body[body.index("五、实施保障") + 1 :]
    guarantees = list(plan14.guarantees.order_by("number"))
    assert [g.title for g in guarantees] == [
        "加强组织领导",
        "密切协同配合",
        "强化条件保障",
        "严格督查评估",
    ]
    for g in guarantees:
        heading = f"{g.label}{g.title}。"
        assert rest[rest.index(heading) + 1] == g.text


def test_quantified_indicators(plan14):
    literacy = Indicator.objects.get(plan=plan14, code="science-literacy-rate")
    assert literacy.unit == "%"
    assert (float(literacy.baseline), literacy.baseline_year) == (5.95, 2020)
    assert (float(literacy.target), literacy.target_year) == (10.0, 2025)
    assert literacy.comparison == "gte"
    assert literacy.aggregation == "ratio"
    assert literacy.key_task.number == 19

    council = Indicator.objects.get(plan=plan14, code="society-council-share")
    assert council.unit == "%"
    assert float(council.target) == 66.7
    assert council.comparison == "gte"
    assert council.key_task.number == 14
    assert council.part_of is None and council.is_headline
    # the plan's rule names two bodies: the standing councils' share is part of the same target
    standing = Indicator.objects.get(plan=plan14, code="society-standing-council-share")
    assert standing.part_of == council
    assert list(council.parts.all()) == [standing]
    assert (float(standing.target), standing.comparison, standing.aggregation) == (
        66.7,
        "gte",
        "ratio",
    )
    assert standing.key_task.number == 14 and not standing.is_headline
    assert (council.part_label, standing.part_label) == ("理事会", "常务理事会")
    text = SOURCE.read_text(encoding="utf-8")
    for indicator in (literacy, council, standing):
        assert indicator.source_text in text
    assert "理事会、常务理事会中的比例达到三分之二以上" in standing.source_text
    assert re.search(r"科学素质的比例达到5\.95%", text)


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_load_plan_twice_changes_nothing_and_keeps_user_edits(reference_orgs, capsys):
    call_command("load_plan")
    first = counts()
    assert first == {
        "Plan": 1,
        "Principle": 5,
        "SpecificGoal": 7,
        "Guarantee": 4,
        "TaskGroup": 7,
        "KeyTask": 31,
        "Indicator": 3,
    }
    task = KeyTask.objects.get(number=22)
    task.title = "实施科普阵地建设工程(已由用户修订)"
    task.save()
    Indicator.objects.create(
        plan=task.plan,
        code="county-science-museums",
        name="县级科技馆覆盖率",
        unit="%",
        target=100,
        target_year=2025,
        aggregation="ratio",
        key_task=task,
    )
    call_command("load_plan")
    out = capsys.readouterr().out
    assert "0 rows created" in out
    assert KeyTask.objects.get(number=22).title == "实施科普阵地建设工程(已由用户修订)"
    assert Indicator.objects.filter(code="county-science-museums").exists()
    assert counts() == {**first, "Indicator": 4}


def broken_copy(tmp_path, mutate) -> Path:
    data = yaml.safe_load(settings.PLAN_DATA_FILE.read_text(encoding="utf-8"))
    mutate(data["plan"])
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "element", "problem"),
    [
        (
            lambda p: p["task_groups"][2]["tasks"][1].pop("text"),
            "plan.task_groups[2].tasks[1]",
            "'text' is a required property",
        ),
        (
            lambda p: p["task_groups"][1]["tasks"].pop(0),
            "plan.task_groups[1].tasks[0].number",
            "expected 5, found 6",
        ),
        (lambda p: p.pop("overall_goal"), "plan", "'overall_goal' is a required property"),
        (
            lambda p: p["indicators"][0].update(aggregation="average"),
            "plan.indicators[0].aggregation",
            "'average' is not one of",
        ),
        (
            lambda p: p["indicators"][1].update(key_task=40),
            "plan.indicators[1].key_task",
            "no key task 40",
        ),
        (
            lambda p: p["indicators"][2].update(part_of="science-literacy-rat"),
            "plan.indicators[2].part_of",
            "no whole indicator 'science-literacy-rat'",
        ),
        (
            lambda p: p["indicators"][1].update(part_of="society-standing-council-share"),
            "plan.indicators[1].part_of",
            "listed before this one",
        ),
        (
            lambda p: p["principles"][3].update(title=""),
            "plan.principles[3].title",
            "should be non-empty",
        ),
        (
            lambda p: p["task_groups"][0]["tasks"][0].update(title="长" * 300),
            "plan.task_groups[0].tasks[0]",
            "200",
        ),
    ],
)
def test_bad_file_names_file_and_element_and_writes_nothing(
    reference_orgs, tmp_path, mutate, element, problem
):
    path = broken_copy(tmp_path, mutate)
    with pytest.raises(CommandError) as info:
        call_command("load_plan", str(path))
    message = str(info.value)
    assert str(path) in message
    assert f": {element}: " in message
    assert problem in message
    assert all(n == 0 for n in counts().values()), "nothing may be written from a bad file"


def test_unreadable_yaml_and_missing_file(reference_orgs, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("plan:\n  code: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"plan\.yaml: line \d+: not valid YAML"):
        call_command("load_plan", str(path))
    with pytest.raises(CommandError, match=r"missing\.yaml: \(file\): No such file"):
        call_command("load_plan", str(tmp_path / "missing.yaml"))
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_models_hold_a_second_plan(plan14):
    nxt = Plan.objects.create(
        code="qhsta-15th",
        organization=plan14.organization,
        title="青海省科学技术协会事业发展“十五五”规划(2026-2030年)",
        start_year=2026,
        end_year=2030,
    )
    group = TaskGroup.objects.create(plan=nxt, number=1, title="强化思想政治引领")
    KeyTask.objects.create(plan=nxt, group=group, number=1, title="加强科协组织党的建设", text="……")
    assert KeyTask.objects.filter(number=1).count() == 2
    assert Plan.objects.count() == 2
