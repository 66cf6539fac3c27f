"""The societies' pages as their users see them, in Chinese and English."""

import datetime as dt

from societies.models import BrandConference, CouncilMember, CouncilTerm, EvaluationRound, Society


def test_the_registry_shows_the_share_the_societies_below_it_and_overdue_terms(societies, login):
    client = login("leader")
    response = client.get("/societies/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="council-share">68.3%' in html
    assert 'id="standing-share">64.6%' in html
    assert 'id="below-count">2<' in html and 'id="overdue-count">1<' in html
    below = client.get("/societies/?flag=below").content.decode()
    assert 'data-code="soc-medical"' in below and 'data-code="soc-agri"' not in below
    assert 'data-code="soc-computer"' in below  # its standing council is below
    warned = client.get("/societies/?status=warned").content.decode()
    assert 'data-code="soc-computer"' in warned and 'data-code="soc-medical"' not in warned
    english = client.get("/societies/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


def test_every_page_opens_for_the_province_and_the_society(societies, login):
    agri = societies["soc-agri"]
    term = agri.terms.order_by("-number").first()
    member = CouncilMember.objects.filter(term=term).first()
    evaluation = EvaluationRound.objects.get(year=2025)
    pages = [
        "/societies/",
        "/societies/soc-agri/",
        "/societies/soc-agri/edit/",
        "/societies/soc-agri/terms/new/",
        "/societies/soc-agri/conferences/new/",
        "/societies/soc-agri/journals/new/",
        f"/societies/terms/{term.pk}/",
        f"/societies/terms/{term.pk}/import/",
        f"/societies/members/{member.pk}/edit/",
        f"/societies/terms/{term.pk}/edit/",
        f"/societies/conferences/{BrandConference.objects.filter(society=agri).first().pk}/edit/",
        f"/societies/journals/{agri.journals.first().pk}/edit/",
        "/societies/evaluations/",
        f"/societies/evaluations/{evaluation.pk}/",
    ]
    for username in ("province_admin", "society_officer"):
        client = login(username)
        for page in pages:
            assert client.get(page).status_code == 200, (username, page)
    detail = login("society_officer").get("/societies/soc-agri/").content.decode()
    assert "青藏高原现代农牧业发展论坛" in detail and "青海农林科技" in detail
    assert "Save the status" not in detail and "保存状态" not in detail


def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(societies, login):
    client = login("society_officer")
    agri = societies["soc-agri"]
    term = agri.terms.order_by("-number").first()
    count = term.members.count()
    response = client.post(
        f"/societies/terms/{term.pk}/members/",
        {"name": "某某", "position": "director", "category": "young", "joined_on": "2001-01-01"},
    )
    assert response.status_code == 400
    assert 'id="id_joined_on-error"' in response.content.decode()
    assert term.members.count() == count
    re_election = client.post(
        "/societies/soc-agri/terms/new/", {"starts_on": "2020-01-01", "ends_on": ""}
    )
    assert re_election.status_code == 400
    assert CouncilTerm.objects.filter(society=agri).count() == 2
    brand = client.post(
        "/societies/soc-agri/conferences/new/",
        {
            "name": "另一个品牌会议",
            "is_brand": "on",
            "held_on": "2025-09-01",
            "participants": 10,
            "papers": 1,
        },
    )
    assert brand.status_code == 400
    assert not BrandConference.objects.filter(name="另一个品牌会议").exists()


def test_a_re_election_through_the_pages(societies, login):
    client = login("province_admin")
    response = client.post(
        "/societies/soc-medical/terms/new/",
        {"starts_on": "2026-09-01", "ends_on": "", "copy_members": "on"},
    )
    term = CouncilTerm.objects.get(society=societies["soc-medical"], number=10)
    assert response.status_code == 302 and response["Location"] == f"/societies/terms/{term.pk}/"
    assert term.ends_on == dt.date(2031, 9, 1) and term.members.count() == 62
    html = client.get("/societies/").content.decode()
    assert 'id="overdue-count">0<' in html


def test_the_province_registers_a_society(societies, login):
    from orgs.models import Organization
    from orgs.services import organization_ensure

    province = Organization.objects.get(code="qhsta")
    organization_ensure(code="soc-physics", name="青海省物理学会", kind="society", parent=province)
    assert login("society_officer").get("/societies/new/").status_code == 403
    client = login("province_admin")
    assert client.get("/societies/new/").status_code == 200
    response = client.post(
        "/societies/new/",
        {
            "organization": Organization.objects.get(code="soc-physics").pk,
            "discipline": "science",
            "supervising_unit": "青海省科学技术协会",
            "founded_on": "1980-05-01",
            "individual_members": 300,
            "group_members": 5,
            "secretariat_staff": 1,
            "term_years": 5,
        },
    )
    assert response.status_code == 302
    assert Society.objects.filter(organization__code="soc-physics").exists()
    html = client.get("/societies/").content.decode()
    assert 'data-code="soc-physics"' in html


def test_correcting_a_term_and_a_journal(societies, login):
    client = login("society_officer")
    agri = societies["soc-agri"]
    term = agri.terms.order_by("-number").first()
    wrong = client.post(
        f"/societies/terms/{term.pk}/edit/", {"starts_on": "2022-11-26", "ends_on": "2021-01-01"}
    )
    assert wrong.status_code == 400
    response = client.post(
        f"/societies/terms/{term.pk}/edit/", {"starts_on": "2022-11-26", "ends_on": "2027-12-01"}
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.ends_on == dt.date(2027, 12, 1)
    journal = agri.journals.first()
    response = client.post(
        f"/societies/journals/{journal.pk}/edit/",
        {
            "title": journal.title,
            "issn": journal.issn,
            "cn_number": journal.cn_number,
            "frequency": "bimonthly",
            "founded_year": 1976,
        },
    )
    assert response.status_code == 302
    journal.refresh_from_db()
    assert journal.frequency == "bimonthly" and not journal.is_core
    other = societies["soc-medical"].journals.first()
    assert client.get(f"/societies/journals/{other.pk}/edit/").status_code == 404
    assert login("leader").get(f"/societies/journals/{journal.pk}/edit/").status_code == 403
