"""The demo data of both apps loads through the services, twice without change."""

from sciencepop.demo import demo_load as sciencepop_demo
from sciencepop.models import LiteracySurvey
from tasks.models import IndicatorRollup
from tasks.rollups.feeds import feed_period
from thinktank.demo import demo_load as thinktank_demo
from thinktank.models import ResearchResult, ResearchTopic, Suggestion


def test_demo_data_loads_and_moves_the_indicator(reporting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = sciencepop_demo()
    assert first["surveys"] == 38 and first["venues"] == 7  # 8 prefectures × 5 years, 2 not yet
    row = IndicatorRollup.objects.get(
        indicator=reporting.literacy, period=feed_period(reporting.literacy.plan, 2023), org_key=0
    )
    assert row.reported == 8 and 5 < row.value < 15
    latest = IndicatorRollup.objects.get(
        indicator=reporting.literacy, period=feed_period(reporting.literacy.plan, 2025), org_key=0
    )
    assert latest.reported == 6 and latest.value > row.value
    assert all("演示" in s.source for s in LiteracySurvey.objects.all())
    created = thinktank_demo()
    assert created["calls"] == 2
    states = set(ResearchTopic.objects.values_list("state", flat=True))
    assert {"concluded", "midterm_passed", "approved", "rejected", "draft"} <= states
    assert ResearchResult.objects.count() == 1 and Suggestion.objects.count() == 3
    assert sciencepop_demo() == {"surveys": 0, "venues": 0, "bases": 0, "events": 0}
    assert thinktank_demo()["calls"] == 0


def test_every_page_renders_for_every_demo_role(
    reporting, client, django_capture_on_commit_callbacks
):
    """With the demo data: each page answers (200 where visible, 403/404 otherwise), in Chinese
    and in English, for each role."""
    from django.contrib.auth import get_user_model

    from sciencepop.models import ScienceBase, ScienceEvent, Venue
    from thinktank.models import Expert, ResearchTopic, TopicCall, TopicReview

    with django_capture_on_commit_callbacks(execute=True):
        sciencepop_demo()
    thinktank_demo()
    pages = [
        "/sciencepop/",
        "/sciencepop/surveys/",
        "/sciencepop/surveys/new/",
        "/sciencepop/surveys/import/",
        f"/sciencepop/surveys/{LiteracySurvey.objects.first().pk}/",
        "/sciencepop/venues/",
        "/sciencepop/venues/new/",
        f"/sciencepop/venues/{Venue.objects.first().pk}/",
        "/sciencepop/bases/",
        f"/sciencepop/bases/{ScienceBase.objects.first().pk}/",
        "/sciencepop/events/",
        "/sciencepop/events/new/",
        f"/sciencepop/events/{ScienceEvent.objects.first().pk}/",
        "/thinktank/",
        "/thinktank/calls/new/",
        *[f"/thinktank/calls/{c.pk}/" for c in TopicCall.objects.all()],
        *[f"/thinktank/topics/{t.pk}/" for t in ResearchTopic.objects.all()],
        f"/thinktank/reviews/{TopicReview.objects.first().pk}/",
        "/thinktank/experts/",
        "/thinktank/experts/import/",
        f"/thinktank/experts/{Expert.objects.first().pk}/",
        "/thinktank/consulting-topics/",
        "/thinktank/results/",
        "/thinktank/suggestions/",
        "/thinktank/suggestions/new/",
        *[f"/thinktank/suggestions/{s.pk}/" for s in Suggestion.objects.all()],
    ]
    users = get_user_model().objects.filter(
        username__in=["province_admin", "leader", "reviewer", "xining_officer", "society_officer"]
    )
    for user in users:
        client.force_login(user)
        for language in ("zh-hans", "en"):
            client.cookies["django_language"] = language
            for url in pages:
                status = client.get(url).status_code
                assert status in (200, 403, 404), (user.username, url, status)
                if user.username == "province_admin":
                    assert status == 200, (url, status)
