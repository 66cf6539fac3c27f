"""The plan pages as an official sees them, in Chinese and in English."""

import pytest
from django.urls import reverse

from plan.models import KeyTask


def test_anonymous_is_sent_to_login(client, plan14):
    for url in ("/", "/plan/", "/plan/tasks/1/", "/plan/qhsta-14th/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_is_public_and_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html


def test_plan_page_shows_the_whole_plan(demo, login, plan14):
    client = login("xining_officer")
    response = client.get("/plan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert plan14.title in html
    assert "青科协发〔2022〕8号" in html
    assert "2022年3月1日" in html
    assert plan14.overall_goal in html
    for principle in plan14.principles.all():
        assert principle.title in html and principle.text in html
    for goal in plan14.specific_goals.all():
        assert goal.title in html and goal.text in html
    for group in plan14.task_groups.all():
        assert f"{group.label}{group.title}" in html
    for task in KeyTask.objects.filter(plan=plan14):
        assert f"{task.number}.{task.title}。" in html
        assert task.text in html
    for guarantee in plan14.guarantees.all():
        assert guarantee.text in html
    assert "5.95%" in html and "10%" in html and "66.7%" in html
    # Chinese interface by default
    assert "重点任务" in html and "基本原则" in html


def test_plan_page_in_english(demo, login, plan14):
    client = login("leader")
    client.post(reverse("set_language"), {"language": "en", "next": "/plan/"})
    response = client.get("/plan/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Key tasks" in html and "Guiding principles" in html and "Document number" in html
    assert "Share of citizens with basic science literacy" in html
    # the plan's own text stays as the document has it
    assert plan14.title in html


def test_one_task_page(demo, login, plan14):
    client = login("society_officer")
    response = client.get("/plan/tasks/14/")
    assert response.status_code == 200
    html = response.content.decode()
    task = KeyTask.objects.get(plan=plan14, number=14)
    assert f"{task.number}.{task.title}" in html
    assert task.text in html
    assert "(四)强化学会主体地位" in html
    assert "66.7%" in html  # the council indicator belongs to task 14
    assert (
        'href="/plan/qhsta-14th/tasks/13/"' in html and 'href="/plan/qhsta-14th/tasks/15/"' in html
    )


@pytest.mark.parametrize("url", ["/plan/tasks/0/", "/plan/tasks/32/", "/plan/no-such-plan/"])
def test_unknown_task_or_plan_is_404(demo, login, url):
    assert login("leader").get(url).status_code == 404


def test_plan_page_query_count_is_fixed(demo, login, django_assert_max_num_queries):
    client = login("leader")
    with django_assert_max_num_queries(11):
        assert client.get("/plan/").status_code == 200


def test_chinese_whatever_the_browser_asks_for_until_english_is_chosen(demo, login):
    client = login("leader")
    html = client.get("/plan/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html and "重点任务" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/plan/"})
    assert '<html lang="en">' in client.get("/plan/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/plan/"})
    assert (
        '<html lang="zh-hans">' in client.get("/plan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
