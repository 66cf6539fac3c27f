"""Who sees and changes the societies' records: the society officer their own society only, the
province everything; evaluation scores and statuses by the province only."""

import pytest

from orgs.models import AccessEvent
from societies.choices import SocietyStatus
from societies.models import BrandConference, CouncilMember, EvaluationRound, EvaluationScore

ALL = {"soc-agri", "soc-medical", "soc-computer", "soc-ecology"}


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("society_officer", {"soc-agri"}),
        ("province_admin", ALL),
        ("leader", ALL),
        ("reviewer", ALL),
        ("xining_officer", set()),
        ("dept_officer", set()),
    ],
)
def test_each_role_sees_its_societies_on_pages_and_api(societies, login, username, visible):
    client = login(username)
    html = client.get("/societies/").content.decode()
    for code in ALL:
        assert (f'data-code="{code}"' in html) == (code in visible), (username, code)
    body = client.get("/api/v1/societies/?page_size=100").json()
    assert {row["code"] for row in body["results"]} == visible
    for code in ALL:
        expected = 200 if code in visible else 404
        assert client.get(f"/societies/{code}/").status_code == expected, (username, code)
        pk = societies[code].pk
        assert client.get(f"/api/v1/societies/{pk}/").status_code == expected
    members = client.get("/api/v1/council-members/?page_size=1000").json()
    terms = {
        m.term_id
        for m in CouncilMember.objects.filter(term__society__organization__code__in=visible)
    }
    assert {row["term"] for row in members["results"]} == terms
    assert members["count"] == CouncilMember.objects.filter(term__in=terms).count()


def test_the_society_officer_sees_only_its_own_share_and_scores(societies, login):
    client = login("society_officer")
    share = client.get("/api/v1/societies/council-share/").json()
    assert (share["qualifying"], share["members"], share["societies"]) == (33, 45, 1)
    assert share["below_target"] == []
    scores = client.get("/api/v1/evaluation-scores/?page_size=1000").json()["results"]
    assert {row["society"] for row in scores} == {societies["soc-agri"].pk}
    results = client.get("/api/v1/evaluation-results/").json()["results"]
    assert {row["society"] for row in results} == {"soc-agri"}
    # the evaluation itself (criteria, rules) is readable by the societies it evaluates
    assert client.get("/api/v1/evaluation-rounds/").json()["count"] == 3
    medical_term = societies["soc-medical"].terms.first()
    assert client.get(f"/societies/terms/{medical_term.pk}/").status_code == 404
    assert AccessEvent.objects.filter(kind="denied_read", request_path__contains="/terms/").exists()


def test_the_society_officer_keeps_its_records_but_never_scores(societies, login):
    client = login("society_officer")
    agri, medical = societies["soc-agri"], societies["soc-medical"]
    term = agri.terms.order_by("-number").first()
    created = client.post(
        "/api/v1/council-members/",
        {"term": term.pk, "name": "新理事", "position": "director", "category": "young"},
    )
    assert created.status_code == 201, created.content
    response = client.patch(
        f"/api/v1/societies/{agri.pk}/",
        {"secretariat_staff": 6},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["secretariat_staff"] == 6
    # another society's record: not there
    other = CouncilMember.objects.filter(term__society=medical).first()
    assert client.delete(f"/api/v1/council-members/{other.pk}/").status_code == 404
    assert client.post(f"/societies/members/{other.pk}/delete/").status_code == 404
    # scores: visible, never enterable
    evaluation = EvaluationRound.objects.get(year=2025)
    criterion = evaluation.criteria.first()
    before = EvaluationScore.objects.get(criterion=criterion, society=agri).score
    refused = client.post(
        "/api/v1/evaluation-scores/",
        {"criterion": criterion.pk, "society": agri.pk, "score": "15"},
    )
    assert refused.status_code == 403
    page = client.post(
        f"/societies/evaluations/{evaluation.pk}/", {f"score-{agri.pk}-{criterion.pk}": "15"}
    )
    assert page.status_code == 403
    assert (
        client.post(
            f"/societies/{agri.organization.code}/status/", {"status": "active"}
        ).status_code
        == 403
    )
    assert EvaluationScore.objects.get(criterion=criterion, society=agri).score == before


def test_leadership_changes_nothing(societies, login):
    client = login("leader")
    agri = societies["soc-agri"]
    member = CouncilMember.objects.filter(term__society=agri).first()
    conference = BrandConference.objects.filter(society=agri).first()
    attempts = [
        client.post(f"/societies/members/{member.pk}/delete/"),
        client.post(f"/societies/conferences/{conference.pk}/delete/"),
        client.post(f"/societies/{agri.organization.code}/edit/", {"discipline": "science"}),
        client.post(
            f"/societies/{agri.organization.code}/status/",
            {"status": "exiting", "status_note": "x"},
        ),
        client.delete(f"/api/v1/council-members/{member.pk}/"),
        client.patch(
            f"/api/v1/societies/{agri.pk}/", {"group_members": 1}, content_type="application/json"
        ),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert CouncilMember.objects.filter(pk=member.pk).exists()
    agri.refresh_from_db()
    assert agri.status == SocietyStatus.ACTIVE and agri.group_members == 48


def test_the_province_scores_through_the_page(societies, login):
    client = login("reviewer")
    evaluation = EvaluationRound.objects.get(year=2025)
    client.post(f"/societies/evaluations/{evaluation.pk}/close/", {"reopen": "1"})
    criterion = evaluation.criteria.first()
    agri = societies["soc-agri"]
    bad = client.post(
        f"/societies/evaluations/{evaluation.pk}/",
        {
            f"score-{agri.pk}-{criterion.pk}": "14",
            f"score-{societies['soc-medical'].pk}-{criterion.pk}": "99",
        },
    )
    assert bad.status_code == 400
    assert "0 to 15" in bad.content.decode() or "15.00" in bad.content.decode()
    assert (
        EvaluationScore.objects.get(criterion=criterion, society=agri).score != 14
    )  # nothing saved
    ok = client.post(
        f"/societies/evaluations/{evaluation.pk}/", {f"score-{agri.pk}-{criterion.pk}": "14"}
    )
    assert ok.status_code == 302
    assert EvaluationScore.objects.get(criterion=criterion, society=agri).score == 14
    closed = client.post(f"/societies/evaluations/{evaluation.pk}/close/")
    assert closed.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.is_closed
    html = client.get(f"/societies/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-code="soc-computer" class="table-warning"' in html
