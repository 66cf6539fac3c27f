"""Failed logins lock an account at the address they came from, never its owner elsewhere; the
client's address is read behind the trusted proxies only; an administrator lets the owner back
in from the account's page."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from orgs.models import AccessEvent

PASSWORD = "qhsta-demo-2026"
NGINX = "172.18.0.5"  # the proxy's own address, as gunicorn sees it


def login(client, password, *, client_ip, forwarded_prefix=""):
    """A login through nginx: it appends the address it got the request from."""
    header = f"{forwarded_prefix}, {client_ip}" if forwarded_prefix else client_ip
    return client.post(
        "/accounts/login/",
        {"username": "xining_officer", "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=header,
    )


def test_failures_lock_the_account_at_their_address_only(demo, client, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        # a forged X-Forwarded-For changes nothing: the address nginx saw counts
        login(client, "wrong", client_ip="203.0.113.9", forwarded_prefix=f"10.9.9.{n}")
    assert login(client, PASSWORD, client_ip="203.0.113.9").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # the owner, from the office's address, is not locked out by someone else's failures
    assert login(client, PASSWORD, client_ip="198.51.100.7").status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(demo, client, settings):
    settings.TRUSTED_PROXIES = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong", client_ip=f"10.0.0.{n}")
    assert login(client, PASSWORD, client_ip="10.0.0.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {NGINX}


def test_a_forged_forwarded_header_does_not_reset_the_address_throttle(demo, settings):
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "token": "100/minute",
            "anon": "2/minute",
            "token_obtain": "3/minute",
        },
    }
    cache.clear()
    client = APIClient()
    statuses = [
        client.get(
            "/api/schema/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=f"10.1.1.{n}, 203.0.113.9"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # another client behind the same proxy has its own budget
    other = client.get("/api/schema/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 200
    obtained = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "x"},
            format="json",
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=f"{n}.{n}.{n}.{n}, 203.0.113.10",
        ).status_code
        for n in range(1, 5)
    ]
    assert obtained[-1] == 429 and 429 not in obtained[:3]
    cache.clear()


def test_the_security_administrator_unlocks_the_account_from_its_page(world, client, settings):
    officer, admin = world.users["xining_officer"], world.users["xining_secadmin"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": officer.username, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    # an administrator of another prefecture cannot; nor can the locked officer's colleagues
    client.force_login(world.users["gansu_officer"])
    assert client.post(f"/users/{officer.pk}/unlock/").status_code in (403, 404)
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    client.force_login(admin)
    page = client.get(f"/users/{officer.pk}/").content.decode()
    assert "login-lock" in page and "解锁" in page
    response = client.post(f"/users/{officer.pk}/unlock/", follow=True)
    assert response.status_code == 200
    assert "账户已解锁" in response.content.decode()
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert AccessEvent.objects.filter(kind="user_unlocked", actor=admin).exists()
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": officer.username, "password": "x-unused-Passw0rd"}
    )
    assert response.status_code == 302
    assert "login-lock" not in client.get("/plan/").content.decode()
    assert get_user_model().objects.get(pk=officer.pk).is_active
