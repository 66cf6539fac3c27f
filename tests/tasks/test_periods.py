"""Reporting periods: the plan's administrators set them, everyone in the province reads them."""

import datetime as dt

from tasks.models import ReportingPeriod


def test_an_administrator_creates_quarters_and_moves_a_deadline(world, client):
    client.force_login(world.users["prov_admin"])
    response = client.post(
        "/periods/qhsta-14th/generate/", {"kind": "quarter", "deadline_days": "20"}
    )
    assert response.status_code == 302
    quarters = ReportingPeriod.objects.filter(plan__code="qhsta-14th", kind="quarter")
    assert quarters.count() == 20  # five years of four quarters
    q1 = quarters.get(year=2023, number=1)
    assert (q1.starts_on, q1.ends_on, q1.deadline) == (
        dt.date(2023, 1, 1),
        dt.date(2023, 3, 31),
        dt.date(2023, 4, 20),
    )
    client.post("/periods/qhsta-14th/generate/", {"kind": "quarter", "deadline_days": "5"})
    assert quarters.count() == 20 and quarters.get(pk=q1.pk).deadline == dt.date(2023, 4, 20)
    client.post("/periods/qhsta-14th/generate/", {"kind": "half", "deadline_days": "15"})
    assert ReportingPeriod.objects.filter(plan__code="qhsta-14th", kind="half").count() == 10

    client.post(f"/periods/deadline/{q1.pk}/", {"deadline": "2023-04-30"})
    assert ReportingPeriod.objects.get(pk=q1.pk).deadline == dt.date(2023, 4, 30)
    response = client.post(f"/periods/deadline/{q1.pk}/", {"deadline": "2022-12-01"}, follow=True)
    assert "截止日期不能早于周期开始日期" in response.content.decode()
    assert ReportingPeriod.objects.get(pk=q1.pk).deadline == dt.date(2023, 4, 30)
    page = client.get("/periods/qhsta-14th/").content.decode()
    assert page.count('class="period"') == 30 and "2023年第1季度" in page


def test_others_read_the_periods_but_cannot_set_them(world, client):
    client.force_login(world.users["prov_admin"])
    client.post("/periods/qhsta-14th/generate/", {"kind": "year", "deadline_days": "30"})
    period = ReportingPeriod.objects.get(plan__code="qhsta-14th", kind="year", year=2025)
    for role in ("xining_admin", "xining_officer", "leader", "reviewer"):
        client.force_login(world.users[role])
        page = client.get("/periods/qhsta-14th/")
        assert page.status_code == 200 and 'type="date"' not in page.content.decode()
        assert (
            client.post(
                "/periods/qhsta-14th/generate/", {"kind": "quarter", "deadline_days": "1"}
            ).status_code
            == 403
        )
        assert (
            client.post(f"/periods/deadline/{period.pk}/", {"deadline": "2026-03-01"}).status_code
            == 403
        )
    assert not ReportingPeriod.objects.filter(kind="quarter").exists()
    client.force_login(world.users["gansu_officer"])
    assert client.get("/periods/qhsta-14th/").status_code == 404
    assert (
        client.post(f"/periods/deadline/{period.pk}/", {"deadline": "2026-03-01"}).status_code
        == 404
    )
