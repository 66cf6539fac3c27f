"""Logging in: the real form, throttling after repeated failures, and the way back in."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model

from orgs.models import AccessEvent

PASSWORD = "qhsta-demo-2026"


def post_login(client, password):
    return client.post("/accounts/login/", {"username": "xining_officer", "password": password})


def test_login_with_the_form(demo, client):
    response = post_login(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/plan/"
    assert client.get("/plan/").status_code == 200


def test_a_wrong_password_is_answered_on_the_form(demo, client):
    response = post_login(client, "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert AccessEvent.objects.filter(kind="login_failed", username="xining_officer").exists()


def test_repeated_failures_lock_the_account_until_the_window_passes(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "wrong-password")
    locked = post_login(client, PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert client.get("/plan/").status_code == 302

    # another account is not affected
    other = client.post("/accounts/login/", {"username": "haixi_officer", "password": PASSWORD})
    assert other.status_code == 302
    client.logout()

    # the lock window passes: the owner gets back in
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert post_login(client, PASSWORD).status_code == 302
    assert get_user_model().objects.get(username="xining_officer").is_active
