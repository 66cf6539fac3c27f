"""The audit log: what it records, its hash chain, its retention, and the audit administrator's
page and exports."""

import csv
import datetime as dt
import io
import threading

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from openpyxl import load_workbook

from orgs.audit import audit_log, audit_purge, chain_verify
from orgs.models import AccessEvent, Organization
from plan.models import Plan

User = get_user_model()
PASSWORD = "qhsta-demo-2026"


def login_form(client, username, password, ip="10.20.30.40"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_logins_are_recorded_with_address_and_outcome(demo, client):
    login_form(client, "xining_officer", "wrong", ip="10.0.0.7")
    login_form(client, "xining_officer", PASSWORD, ip="10.0.0.8")
    failed = AccessEvent.objects.get(kind="login_failed", username="xining_officer")
    assert (failed.outcome, failed.ip, failed.method) == ("failure", "10.0.0.7", "POST")
    ok = AccessEvent.objects.get(kind="login", username="xining_officer")
    assert (ok.outcome, ok.ip) == ("success", "10.0.0.8")
    assert ok.actor == User.objects.get(username="xining_officer")
    assert ok.at <= timezone.now()


def test_role_changes_and_refusals_are_recorded_with_address(demo, client):
    client.force_login(User.objects.get(username="sec_admin"))
    officer = User.objects.get(username="haixi_officer")
    haixi = Organization.objects.get(code="haixi")
    client.post(
        f"/users/{officer.pk}/roles/",
        {"organization": haixi.pk, "role": "leader"},
        REMOTE_ADDR="10.1.1.1",
    )
    grant = AccessEvent.objects.get(
        kind="grant", target_username="haixi_officer", username="sec_admin"
    )
    assert (grant.username, grant.ip, grant.outcome, grant.organization_code) == (
        "sec_admin",
        "10.1.1.1",
        "success",
        "haixi",
    )
    membership = officer.memberships.get(role="leader")
    client.post(f"/users/{officer.pk}/roles/{membership.pk}/withdraw/", REMOTE_ADDR="10.1.1.2")
    withdraw = AccessEvent.objects.get(
        kind="withdraw", target_username="haixi_officer", username="sec_admin"
    )
    assert withdraw.ip == "10.1.1.2"


def test_exports_are_recorded(demo, client):
    client.force_login(User.objects.get(username="leader"))
    response = client.get("/api/v1/indicator-values/?format=csv", REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 200
    export = AccessEvent.objects.get(kind="export", username="leader")
    assert export.ip == "10.2.2.2" and "text/csv" in export.detail
    assert export.request_path == "/api/v1/indicator-values/?format=csv"


def test_admin_saves_are_configuration_changes_and_superuser_use_is_recorded(demo, client):
    superuser = User.objects.get(username="province_admin")
    plan = Plan.objects.get()
    request = RequestFactory().post("/admin/plan/plan/")
    request.user = superuser
    admin.site._registry[Plan].log_change(request, plan, [{"changed": {"fields": ["title"]}}])
    change = AccessEvent.objects.get(kind="config_change")
    assert change.username == "province_admin" and "plan.Plan" in change.detail

    client.force_login(superuser)
    client.get("/admin/", REMOTE_ADDR="10.3.3.3")
    use = AccessEvent.objects.get(kind="superuser_use", request_path="/admin/")
    assert (use.username, use.ip, use.outcome) == ("province_admin", "10.3.3.3", "success")


# ---- the chain -------------------------------------------------------------------------------


def entries(n):
    return [audit_log("login", username=f"user{i}", detail=f"entry {i}") for i in range(n)]


def test_the_chain_verifies_and_names_the_first_changed_entry(db):
    made = entries(5)
    call_command("verify_audit", stdout=io.StringIO())
    assert chain_verify() == (5, None)

    AccessEvent.objects.filter(pk=made[2].pk).update(username="someone_else")
    with pytest.raises(CommandError, match=f"entry #{made[2].pk}") as broken:
        call_command("verify_audit")
    assert "content does not match" in str(broken.value)


def test_a_removed_entry_breaks_the_chain_at_the_next(db):
    made = entries(5)
    AccessEvent.objects.filter(pk=made[1].pk).delete()
    checked, broken = chain_verify()
    assert checked == 1 and broken.entry_id == made[2].pk


def test_the_command_exits_non_zero(db, capsys):
    from orgs.management.commands.verify_audit import Command

    made = entries(3)
    AccessEvent.objects.filter(pk=made[0].pk).update(detail="edited")
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "verify_audit", "--skip-checks"])
    assert exit_info.value.code != 0
    assert f"entry #{made[0].pk}" in capsys.readouterr().err


# ---- retention -------------------------------------------------------------------------------


def test_the_purge_never_deletes_entries_younger_than_180_days(db, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # too short for level 3: 180 days hold anyway
    now = timezone.now()
    made = entries(4)
    for event, days in zip(made, [400, 200, 170, 10], strict=True):
        AccessEvent.objects.filter(pk=event.pk).update(at=now - dt.timedelta(days=days))
    _rechain()  # the hashes the entries would carry had they been written then
    assert chain_verify() == (4, None)

    assert audit_purge(now=now) == 2
    left = list(AccessEvent.objects.order_by("id").values_list("kind", "detail"))
    assert left[:2] == [("login", "entry 2"), ("login", "entry 3")]
    assert left[2][0] == "audit_purged" and left[2][1].startswith("2 entries older than 180 days")
    # the chain now starts at the purge's record, and verifies
    assert chain_verify() == (3, None)
    call_command("verify_audit", stdout=io.StringIO())
    # nothing more to purge: the rest is younger than 180 days
    assert audit_purge(now=now) == 0
    settings.AUDIT_RETENTION_DAYS = 365
    # 360 days on, the two entries are 530 and 370 days old; the purge's own record 360
    assert audit_purge(now=now + dt.timedelta(days=360)) == 2
    assert chain_verify() == (2, None)


def _rechain():
    from orgs.audit import GENESIS, HASHED_FIELDS, entry_hash

    prev = GENESIS
    for event in AccessEvent.objects.order_by("id"):
        event.prev_hash = prev
        event.hash = prev = entry_hash({f: getattr(event, f) for f in HASHED_FIELDS}, prev)
        event.save(update_fields=["prev_hash", "hash"])


def test_a_forged_start_of_the_chain_is_caught(db):
    made = entries(4)
    AccessEvent.objects.filter(pk__lte=made[1].pk).delete()  # not through the purge
    checked, broken = chain_verify()
    assert checked == 0 and broken.entry_id == made[2].pk


# ---- the audit administrator's page ----------------------------------------------------------


def test_the_page_filters_and_exports_and_the_export_is_audited(demo, client):
    login_form(client, '=HYPERLINK("http://evil.invalid")', "x", ip="10.9.9.9")
    login_form(client, "haixi_officer", PASSWORD, ip="10.9.9.8")
    client.logout()
    client.force_login(User.objects.get(username="audit_admin"))
    page = client.get("/audit/", {"kind": "login_failed"}).content.decode()
    assert "审计日志" in page and "登录失败" in page
    assert page.count('class="audit-entry"') == 1 and "10.9.9.9" in page
    page = client.get("/audit/", {"ip": "10.9.9.8"}).content.decode()
    assert page.count('class="audit-entry"') == 1 and "haixi_officer" in page

    response = client.get("/audit/export.csv", {"kind": "login_failed"}, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:6] == ["序号", "时间", "事件", "结果", "用户", "IP 地址"]
    assert len(rows) == 2
    assert rows[1][4] == '\'=HYPERLINK("http://evil.invalid")'  # text, not a formula
    assert rows[1][5] == "10.9.9.9"
    export = AccessEvent.objects.get(kind="export", username="audit_admin")
    assert export.ip == "10.5.5.5" and "kind=login_failed" in export.detail

    response = client.get("/audit/export.xlsx", {"username": "haixi_officer"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    # entries by the user and about them (the demo's grant of their role)
    assert len(values) == 4
    assert all("haixi_officer" in (row[4], row[6]) for row in values[1:])
    assert AccessEvent.objects.filter(kind="export", username="audit_admin").count() == 2
    assert client.get("/audit/export.pdf").status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_keep_one_chain_on_postgresql():
    from django.db import connections

    errors = []

    def write(n):
        try:
            for i in range(15):
                audit_log("login", username=f"writer{n}", detail=f"{n}-{i}")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert chain_verify() == (90, None)
    hashes = list(AccessEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(hashes)) == 90  # no two entries link to the same one: no fork


def test_the_address_comes_from_the_trusted_proxy_only(demo, client, settings):
    settings.TRUSTED_PROXIES = 1  # nginx appends the address it saw
    login_form(client, "xining_officer", "wrong", ip="172.18.0.5")  # no header: REMOTE_ADDR
    client.post(
        "/accounts/login/",
        {"username": "haixi_officer", "password": "wrong"},
        REMOTE_ADDR="172.18.0.5",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",  # the client claimed 6.6.6.6
    )
    ips = dict(AccessEvent.objects.filter(kind="login_failed").values_list("username", "ip"))
    assert ips == {"xining_officer": "172.18.0.5", "haixi_officer": "203.0.113.9"}
