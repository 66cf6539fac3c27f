"""Think-tank pages and API per role: applicants keep their own applications, reviews are the
organisers' only, steps are taken from the topic's page; refused steps change nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thinktank import importers, services
from thinktank.models import Expert, ResearchTopic, Suggestion, TopicReview


@pytest.fixture
def submitted(tt):
    topic = tt.topic()
    services.topic_transition(actor=tt.society, topic=topic, move="submit", today=tt.today)
    services.review_assign(actor=tt.reviewer, topic=topic, expert=tt.eco)
    return ResearchTopic.objects.get(pk=topic.pk)


@pytest.mark.parametrize(
    "user, topic_visible, reviews_visible",
    [
        ("society_officer", True, False),
        ("reviewer", True, True),
        ("leader", True, True),
        ("xining_officer", False, False),
        ("dept_officer", False, False),
    ],
)
def test_who_sees_a_topic_and_its_reviews(
    tt, submitted, login, user, topic_visible, reviews_visible
):
    client = login(user)
    assert client.get("/thinktank/").status_code == 200
    assert client.get(f"/thinktank/calls/{tt.call.pk}/").status_code == 200  # calls: all below
    page = client.get(f"/thinktank/topics/{submitted.pk}/")
    assert page.status_code == (200 if topic_visible else 404)
    if topic_visible:
        assert ("马丙" in page.content.decode()) == reviews_visible
    api = client.get("/api/v1/topic-reviews/").json()
    assert (api["count"] == 1) == reviews_visible
    assert client.get(f"/api/v1/research-topics/{submitted.pk}/").status_code == (
        200 if topic_visible else 404
    )


def test_steps_are_taken_from_the_topic_page(tt, login):
    topic = tt.topic()
    client = login("society_officer")
    html = client.get(f"/thinktank/topics/{topic.pk}/").content.decode()
    assert 'value="submit"' in html and 'value="approve"' not in html
    # the call's deadline has passed in real time: the refusal is shown, nothing changes
    response = client.post(f"/thinktank/topics/{topic.pk}/move/", {"move": "submit"}, follow=True)
    topic.refresh_from_db()
    assert topic.state == "draft" and "alert-" in response.content.decode()
    services.topic_transition(actor=tt.society, topic=topic, move="submit", today=tt.today)
    response = client.post(f"/thinktank/topics/{topic.pk}/move/", {"move": "approve"})
    assert response.status_code == 403
    reviewer = login("reviewer")
    html = reviewer.get(f"/thinktank/topics/{topic.pk}/").content.decode()
    assert 'value="reject"' in html and f'value="{tt.agri_b.pk}"' not in html  # same org
    response = reviewer.post(f"/thinktank/topics/{topic.pk}/reviews/", {"expert": tt.agri_b.pk})
    assert not TopicReview.objects.exists()
    reviewer.post(f"/thinktank/topics/{topic.pk}/reviews/", {"expert": tt.eco.pk})
    review = TopicReview.objects.get()
    response = reviewer.post(
        f"/thinktank/reviews/{review.pk}/",
        {"score": "150", "recommendation": "approve", "comment": ""},
    )
    assert response.status_code == 400
    assert 'id="id_score-error"' in response.content.decode()
    reviewer.post(
        f"/thinktank/reviews/{review.pk}/",
        {"score": "88", "recommendation": "approve", "comment": "好"},
    )
    reviewer.post(f"/thinktank/topics/{topic.pk}/move/", {"move": "approve", "comment": "同意"})
    topic.refresh_from_db()
    assert topic.state == "approved"
    assert login("society_officer").get(f"/thinktank/reviews/{review.pk}/").status_code in (
        403,
        404,
    )


def test_an_application_is_written_on_its_page(tt, login):
    client = login("society_officer")
    url = f"/thinktank/calls/{tt.call.pk}/apply/"
    response = client.post(
        url, {"organization": tt.orgs["soc-agri"].pk, "title": "", "summary": ""}
    )
    assert response.status_code == 400 and not ResearchTopic.objects.exists()
    response = client.post(
        url,
        {
            "organization": tt.orgs["soc-agri"].pk,
            "title": "草原生态补偿调查",
            "principal": tt.agri_a.pk,
            "team": [tt.agri_b.pk],
            "summary": "计划",
            "budget": "3",
        },
    )
    topic = ResearchTopic.objects.get()
    assert response.status_code == 302 and list(topic.team.all()) == [tt.agri_b]
    assert login("xining_officer").get(f"/thinktank/topics/{topic.pk}/edit/").status_code in (
        403,
        404,
    )


def test_suggestions_pages(tt, login):
    client = login("society_officer")
    response = client.post(
        "/thinktank/suggestions/new/",
        {
            "organization": tt.orgs["soc-agri"].pk,
            "author": "王甲",
            "title": "关于X的建议",
            "field": "农业",
            "content": "建议内容",
        },
    )
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert s.submitter.username == "society_officer"
    assert login("xining_officer").get(f"/thinktank/suggestions/{s.pk}/").status_code == 404
    reviewer = login("reviewer")
    response = reviewer.post(f"/thinktank/suggestions/{s.pk}/handle/", {"move": "decline"})
    assert response.status_code == 400 and 'id="id_feedback-error"' in response.content.decode()
    reviewer.post(
        f"/thinktank/suggestions/{s.pk}/handle/", {"move": "decline", "feedback": "已有类似政策"}
    )
    html = login("society_officer").get(f"/thinktank/suggestions/{s.pk}/").content.decode()
    assert "已有类似政策" in html
    assert (
        login("society_officer")
        .post(f"/thinktank/suggestions/{s.pk}/handle/", {"move": "accept"})
        .status_code
        == 403
    )


def test_api_steps_and_refusals(tt, login):
    topic = tt.topic()
    client = login("reviewer")
    response = client.post(
        f"/api/v1/research-topics/{topic.pk}/transition/",
        {"move": "approve"},
        content_type="application/json",
    )
    assert response.status_code in (400, 403)
    topic.refresh_from_db()
    assert topic.state == "draft"
    client = login("society_officer")
    response = client.post(
        "/api/v1/suggestions/",
        {"organization": "soc-agri", "author": "李乙", "title": "建议", "content": "内容"},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = client.post(
        f"/api/v1/suggestions/{response.json()['id']}/transition/",
        {"move": "accept"},
        content_type="application/json",
    )
    assert response.status_code == 403


def book(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("e.xlsx", out.getvalue())


def test_expert_import(tt):
    header = list(importers.EXPERT_SHEET.columns.values())
    before = Expert.objects.count()
    bad = book(
        [
            header,
            ["soc-agri", "新专家", "青海大学", "教授", "草业", "可用", "a@b.invalid", ""],
            ["soc-agri", "", "", "", "", "", "", ""],
            ["soc-agri", "坏邮箱", "", "", "草业", "随时", "not-mail", ""],
        ]
    )
    with pytest.raises(importers.ImportRejected) as exc:
        importers.import_experts(user=tt.society, upload=bad)
    errors = {(e.row, e.column) for e in exc.value.errors}
    assert {(3, "姓名"), (4, "可用状态"), (4, "电子邮箱")} <= errors
    assert Expert.objects.count() == before
    good = book([header, ["soc-agri", "新专家", "青海大学", "教授", "草业", "有限", "", ""]])
    result = importers.import_experts(user=tt.society, upload=good)
    assert result.created == 1
    assert Expert.objects.get(name="新专家").availability == "limited"
    other = book([header, ["soc-medical", "别家专家", "", "", "医学", "", "", ""]])
    with pytest.raises(importers.ImportRejected):
        importers.import_experts(user=tt.society, upload=other)


def test_register_lists_search_and_filter(tt, login):
    """?q= finds a row by any of the list's search fields; ?availability= keeps that value."""
    client = login("leader")
    page = client.get("/thinktank/experts/", {"q": "王甲"})
    experts = list(page.context["object_list"])
    assert [e.name for e in experts] == ["王甲"]
    by_expertise = {
        e.name for e in client.get("/thinktank/experts/", {"q": "高原"}).context["object_list"]
    }
    assert {"王甲", "李乙", "马丙", "赵丁", "周戊"} <= by_expertise
    away = client.get("/thinktank/experts/", {"availability": "unavailable"}).context["object_list"]
    assert [e.name for e in away] == ["周戊"]
    assert not list(client.get("/thinktank/experts/", {"q": "无此人"}).context["object_list"])
