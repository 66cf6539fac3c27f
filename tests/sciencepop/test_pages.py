"""Science-popularisation pages and API per role: a prefecture officer keeps their prefecture's
survey data and venues; out of scope is 404, a visible row one may not change is 403."""

import datetime as dt
from decimal import Decimal

import pytest

from sciencepop import services
from sciencepop.models import LiteracySurvey, Venue


@pytest.fixture
def records(sp):
    admin = sp.users["province_admin"]
    xs = services.literacy_survey_save(
        actor=admin, organization=sp.orgs["xining"], year=2025, reported_rate=12, population=1000
    )
    hs = services.literacy_survey_save(
        actor=admin, organization=sp.orgs["haixi"], year=2025, reported_rate=6, population=500
    )
    dv = services.venue_save(
        actor=admin,
        organization=sp.orgs["xining-datong"],
        name="大通县科技馆",
        kind="science_museum",
        opened_on=dt.date(2022, 1, 1),
    )
    gv = services.venue_save(
        actor=admin,
        organization=sp.orgs["haixi-golmud"],
        name="格尔木市科技馆",
        kind="science_museum",
        opened_on=dt.date(2020, 1, 1),
    )
    return {"xs": xs, "hs": hs, "dv": dv, "gv": gv}


@pytest.mark.parametrize(
    "user, sees",
    [
        ("xining_officer", {"xs", "dv"}),
        ("datong_officer", {"dv"}),
        ("haixi_officer", {"hs", "gv"}),
        ("society_officer", set()),
        ("leader", {"xs", "hs", "dv", "gv"}),
        ("reviewer", {"xs", "hs", "dv", "gv"}),
    ],
)
def test_each_role_sees_its_own_surveys_and_venues(sp, records, login, user, sees):
    client = login(user)
    for key, obj in records.items():
        url = (
            f"/sciencepop/surveys/{obj.pk}/"
            if isinstance(obj, LiteracySurvey)
            else f"/sciencepop/venues/{obj.pk}/"
        )
        api = (
            f"/api/v1/literacy-surveys/{obj.pk}/"
            if isinstance(obj, LiteracySurvey)
            else f"/api/v1/science-venues/{obj.pk}/"
        )
        assert client.get(api).status_code == (200 if key in sees else 404), (user, key)
        status = client.get(url).status_code
        if key not in sees:
            assert status in (403, 404)  # a user who writes nowhere is refused the form at all
    surveys = client.get("/sciencepop/surveys/").content.decode()
    venues = client.get("/sciencepop/venues/").content.decode()
    assert ('data-org="xining"' in surveys) == ("xs" in sees)
    assert ('data-org="haixi"' in surveys) == ("hs" in sees)
    assert ('data-org="xining-datong"' in venues) == ("dv" in sees)
    assert ('data-org="haixi-golmud"' in venues) == ("gv" in sees)
    body = client.get("/api/v1/science-venues/").json()
    assert body["count"] == len({"dv", "gv"} & sees)


def test_an_officer_edits_their_survey_and_the_leader_may_not(sp, records, login):
    client = login("xining_officer")
    url = f"/sciencepop/surveys/{records['xs'].pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "12" in page.content.decode()
    response = client.post(
        url,
        {
            "organization": sp.orgs["xining"].pk,
            "year": 2025,
            "reported_rate": "13.5",
            "population": 1000,
        },
    )
    assert response.status_code == 302
    records["xs"].refresh_from_db()
    assert records["xs"].reported_rate == Decimal("13.5")
    assert client.post(f"/sciencepop/surveys/{records['hs'].pk}/", {}).status_code in (403, 404)
    leader = login("leader")
    assert leader.get(url).status_code == 403
    assert leader.post(url, {"population": 1}).status_code == 403
    assert leader.post(f"/sciencepop/surveys/{records['xs'].pk}/delete/").status_code == 403


def test_bad_input_is_shown_next_to_the_field_and_kept(sp, login):
    client = login("xining_officer")
    response = client.post(
        "/sciencepop/surveys/new/",
        {
            "organization": sp.orgs["xining"].pk,
            "year": 2025,
            "sample_size": "100",
            "sample_literate": "130",
            "population": "5000",
            "source": "我的调查",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_sample_literate-error"' in html and "我的调查" in html
    assert not LiteracySurvey.objects.exists()
    # a prefecture officer is offered only their own prefecture
    assert (
        f'value="{sp.orgs["haixi"].pk}"'
        not in client.get("/sciencepop/surveys/new/").content.decode()
    )
    response = client.post(
        "/sciencepop/surveys/new/",
        {
            "organization": sp.orgs["haixi"].pk,
            "year": 2025,
            "reported_rate": "5",
            "population": "5000",
        },
    )
    assert response.status_code == 400 and not LiteracySurvey.objects.exists()


def test_the_overview_shows_the_weighted_province_rate(
    sp, records, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.literacy_survey_save(
            actor=sp.users["province_admin"],
            organization=sp.orgs["xining"],
            year=2025,
            survey=LiteracySurvey.objects.get(pk=records["xs"].pk),
            reported_rate=12,
            population=2000,
        )
        services.literacy_survey_save(
            actor=sp.users["province_admin"],
            organization=sp.orgs["haixi"],
            year=2025,
            survey=LiteracySurvey.objects.get(pk=records["hs"].pk),
            reported_rate=6,
            population=1000,
        )
    html = login("leader").get("/sciencepop/").content.decode()
    # (240 + 60) / 3000 = 10 %, weighted; the mean of 12 % and 6 % would be 9 %
    assert '<td class="text-end literacy-official">10.00</td>' in html
    assert login("xining_officer").get("/sciencepop/venues/").status_code == 200


def test_api_writes_go_through_the_services(sp, login):
    client = login("haixi_officer")
    response = client.post(
        "/api/v1/literacy-surveys/",
        {
            "organization": "haixi",
            "year": 2024,
            "sample_size": 1000,
            "sample_literate": 85,
            "population": 380000,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert Decimal(body["rate"]) == Decimal("8.5")
    pk = body["id"]
    response = client.patch(
        f"/api/v1/literacy-surveys/{pk}/",
        {"sample_literate": 2000},
        content_type="application/json",
    )
    assert response.status_code == 400 and "sample_literate" in response.json()["errors"]
    response = client.post(
        "/api/v1/literacy-surveys/",
        {"organization": "xining", "year": 2024, "reported_rate": 9, "population": 1},
        content_type="application/json",
    )
    # another prefecture's code answers like an unknown one: 400 on the field, never its name
    assert response.status_code == 400 and "organization" in response.json()["errors"]
    assert "西宁" not in response.content.decode()
    response = client.post(
        "/api/v1/science-venues/",
        {
            "organization": "haixi-dulan",
            "name": "都兰县科技馆",
            "kind": "science_museum",
            "status": "building",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Venue.objects.filter(name="都兰县科技馆").exists()
    assert login("leader").delete(f"/api/v1/literacy-surveys/{pk}/").status_code == 403
    client = login("haixi_officer")
    assert client.delete(f"/api/v1/literacy-surveys/{pk}/").status_code == 204
