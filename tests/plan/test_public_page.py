"""The public page of headline indicators exists only when an administrator publishes one."""

from plan.models import Indicator


def test_public_page_shows_only_what_is_published(plan14, client):
    assert client.get("/public/").status_code == 404
    Indicator.objects.filter(plan=plan14, code="science-literacy-rate").update(is_published=True)
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "公民具备科学素质的比例" in html and "5.95%" in html and "10%" in html
    assert "理事会" not in html  # the council indicator is not published
    assert client.get("/plan/").status_code == 302  # the rest still needs a login
