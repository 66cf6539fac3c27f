"""Annual work items and their assignments, as the people who use them see them."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from plan.models import Indicator, KeyTask, TaskGroup
from tasks import services
from tasks.models import Assignment, WorkItem

TITLE = "组织开展全国科技工作者日系列活动"


def zh(msgid: str, **values) -> str:
    """A message as the (default, Chinese) interface shows it, HTML-escaped like the page."""
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return escape(text % values if values else text)


def new_item(world, number=19, **fields) -> WorkItem:
    task = world.plans["qh"].key_tasks.get(number=number)
    data = {
        "year": 2024,
        "title": TITLE,
        "weight": Decimal("2"),
        "due_date": dt.date(2024, 11, 30),
        **fields,
    }
    return services.work_item_save(actor=world.users["prov_admin"], key_task=task, **data)


def assign(world, item, code, role="supporting", indicators=()):
    return services.assignment_save(
        actor=world.users["prov_admin"],
        work_item=item,
        organization=world.orgs[code],
        role=role,
        indicators=indicators,
    )


def counts() -> tuple[int, int]:
    """How many work items and assignments there are (the demo data brings its own)."""
    return WorkItem.objects.count(), Assignment.objects.count()


def list_row(page: str, item: WorkItem) -> str:
    """The row of one work item on the list page."""
    return page.split(f'<tr class="work-item" data-pk="{item.pk}">')[1].split("</tr>")[0]


def assigned(page: str) -> set[tuple[str, str]]:
    """The (organisation code, role) pairs of the assignment rows on a page."""
    rows = re.findall(r'<tr class="assignment" data-org="([^"]+)" data-role="([^"]+)"', page)
    return set(rows)


def test_provincial_admin_creates_a_work_item_and_assigns_it(world, client):
    admin = world.users["prov_admin"]
    client.force_login(admin)
    task = world.plans["qh"].key_tasks.get(number=19)
    indicator = Indicator.objects.get(code="science-literacy-rate")

    form = client.get("/work-items/new/?task=19&year=2024")
    assert form.status_code == 200
    html = form.content.decode()
    for name in ("key_task", "year", "title", "description", "weight", "due_date"):
        assert f'<label class="form-label" for="id_{name}">' in html  # every input has a label
    assert f'<option value="{task.pk}" selected>' in html

    response = client.post(
        "/work-items/new/",
        {
            "key_task": task.pk,
            "year": 2024,
            "title": TITLE,
            "description": "围绕“5·30”开展宣传。",
            "weight": "2.5",
            "due_date": "2024-06-30",
        },
    )
    item = WorkItem.objects.get(title=TITLE)
    assert response.status_code == 302 and response["Location"] == f"/work-items/{item.pk}/"
    assert (item.key_task, item.year, item.weight, item.due_date) == (
        task,
        2024,
        Decimal("2.5"),
        dt.date(2024, 6, 30),
    )
    assert item.history.get().history_user == admin

    url = f"/work-items/{item.pk}/assignments/"
    lead = {"organization": world.orgs["xining"].pk, "role": "lead", "indicators": [indicator.pk]}
    assert client.post(url, lead).status_code == 302
    for code in ("haixi", "soc-agri"):
        data = {"organization": world.orgs[code].pk, "role": "supporting"}
        assert client.post(url, data).status_code == 302

    page = client.get(f"/work-items/{item.pk}/").content.decode()
    assert assigned(page) == {
        ("xining", "lead"),
        ("haixi", "supporting"),
        ("soc-agri", "supporting"),
    }
    assert indicator.name in page
    lead_row = Assignment.objects.get(work_item=item, role="lead")
    assert list(lead_row.indicators.all()) == [indicator]

    listing = client.get("/work-items/?task=19&year=2024").content.decode()
    assert TITLE in list_row(listing, item)
    assert 'data-org="xining" data-role="lead"' in list_row(listing, item)
    assert TITLE not in client.get("/work-items/?task=19&year=2023").content.decode()
    assert TITLE not in client.get("/work-items/?task=7").content.decode()


def test_one_lead_per_work_item_with_a_clear_message(world, client):
    item = new_item(world)
    assign(world, item, "xining", "lead")
    client.force_login(world.users["prov_admin"])
    response = client.post(
        f"/work-items/{item.pk}/assignments/",
        {"organization": world.orgs["haixi"].pk, "role": "lead"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert zh("This work item already has a lead organisation.") in html
    assert 'id="id_role-error"' in html  # the message sits next to the role field
    assert list(item.assignments.values_list("organization__code", "role")) == [("xining", "lead")]

    # once the old lead is made a supporting unit, another organisation can lead
    url = f"/work-items/{item.pk}/assignments/"
    client.post(url, {"organization": world.orgs["xining"].pk, "role": "supporting"})
    assert (
        client.post(url, {"organization": world.orgs["haixi"].pk, "role": "lead"}).status_code
        == 302
    )
    assert set(item.assignments.values_list("organization__code", "role")) == {
        ("xining", "supporting"),
        ("haixi", "lead"),
    }


@pytest.mark.parametrize(
    "role", ["xining_officer", "leader", "reviewer", "xining_admin", "dept_officer"]
)
def test_only_the_plan_administrators_create_or_change_work_items(world, client, role):
    item = new_item(world)
    xining = assign(world, item, "xining", "lead")
    before = counts()
    client.force_login(world.users[role])
    task = item.key_task
    data = {
        "key_task": task.pk,
        "year": 2024,
        "title": "改过的标题",
        "weight": "9",
        "due_date": "2024-12-31",
    }
    assert client.get("/work-items/new/").status_code == 403
    assert client.post("/work-items/new/", data).status_code == 403
    assert client.get(f"/work-items/{item.pk}/").status_code == 200  # they may read it
    assert client.get(f"/work-items/{item.pk}/edit/").status_code == 403
    assert client.post(f"/work-items/{item.pk}/edit/", data).status_code == 403
    assign_data = {"organization": world.orgs["haixi"].pk, "role": "supporting"}
    assert client.post(f"/work-items/{item.pk}/assignments/", assign_data).status_code == 403
    assert client.post(f"/assignments/{xining.pk}/delete/").status_code in (403, 404)
    assert client.get("/work-items/import/").status_code == 403

    item.refresh_from_db()
    assert item.title == TITLE and item.weight == Decimal("2")
    assert counts() == before
    assert list(item.assignments.values_list("organization__code", flat=True)) == ["xining"]
    page = client.get(f"/work-items/{item.pk}/").content.decode()
    assert f"/work-items/{item.pk}/edit/" not in page and 'id="assign"' not in page


def test_officers_see_only_assignments_of_their_subtree(world, client):
    item = new_item(world)
    rows = {
        code: assign(world, item, code, role)
        for code, role in (
            ("qhsta-societies-dept", "lead"),
            ("xining", "supporting"),
            ("xining-datong", "supporting"),
            ("haixi", "supporting"),
        )
    }
    expected = {
        "xining_officer": {("xining", "supporting"), ("xining-datong", "supporting")},
        "datong_officer": {("xining-datong", "supporting")},
        "dept_officer": {("qhsta-societies-dept", "lead")},
        "leader": {(code, a.role) for code, a in rows.items()},
    }
    for role, pairs in expected.items():
        client.force_login(world.users[role])
        page = client.get(f"/work-items/{item.pk}/").content.decode()
        assert assigned(page) == pairs, role
        listing = list_row(client.get("/work-items/?task=19").content.decode(), item)
        for code, _ in pairs:
            assert f'data-org="{code}"' in listing
        for code in set(rows) - {c for c, _ in pairs}:
            assert f'data-org="{code}"' not in listing, (role, code)
            assert client.get(f"/assignments/{rows[code].pk}/").status_code == 404
        for code, _ in pairs:
            assert client.get(f"/assignments/{rows[code].pk}/").status_code == 200


def test_out_of_scope_work_items_answer_404(world, client):
    qh_item = new_item(world)
    qh_lead = assign(world, qh_item, "xining", "lead")
    gansu_plan = world.plans["gansu"]
    group = TaskGroup.objects.create(plan=gansu_plan, number=1, label="(一)", title="思想引领")
    gansu_task = KeyTask.objects.create(
        plan=gansu_plan, group=group, number=1, title="政治引领", text="……"
    )
    gansu_item = WorkItem.objects.create(
        key_task=gansu_task, year=2024, title="甘肃的工作", due_date=dt.date(2024, 12, 31)
    )
    gansu_lead = Assignment.objects.create(
        work_item=gansu_item, organization=world.orgs["gansu-lanzhou"], role="lead"
    )

    client.force_login(world.users["prov_admin"])
    for url in (
        f"/work-items/{gansu_item.pk}/",
        f"/work-items/{gansu_item.pk}/edit/",
        f"/assignments/{gansu_lead.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/work-items/{gansu_item.pk}/edit/", {}).status_code == 404
    data = {"organization": world.orgs["xining"].pk, "role": "supporting"}
    assert client.post(f"/work-items/{gansu_item.pk}/assignments/", data).status_code == 404
    assert client.post(f"/assignments/{gansu_lead.pk}/delete/").status_code == 404
    assert "甘肃的工作" not in client.get("/work-items/?plan=gsta-14th").content.decode()
    assert Assignment.objects.filter(pk=gansu_lead.pk).exists()

    client.force_login(world.users["gansu_officer"])
    assert client.get(f"/work-items/{qh_item.pk}/").status_code == 404
    assert client.get(f"/assignments/{qh_lead.pk}/").status_code == 404
    assert TITLE not in client.get("/work-items/?plan=qhsta-14th").content.decode()

    # an organisation outside the administrator's tree is not offered, and refused if sent
    client.force_login(world.users["prov_admin"])
    response = client.post(
        f"/work-items/{qh_item.pk}/assignments/",
        {"organization": world.orgs["gansu-lanzhou"].pk, "role": "supporting"},
    )
    assert response.status_code == 400 and 'id="id_organization-error"' in response.content.decode()
    assert not qh_item.assignments.filter(organization__code="gansu-lanzhou").exists()


def test_history_shows_who_when_and_old_and_new_values(world, client):
    item = new_item(world)
    client.force_login(world.users["prov_admin"])
    task = item.key_task
    response = client.post(
        f"/work-items/{item.pk}/edit/",
        {
            "key_task": task.pk,
            "year": 2024,
            "title": TITLE,
            "weight": "3.5",
            "due_date": "2024-12-15",
        },
    )
    assert response.status_code == 302
    url = f"/work-items/{item.pk}/assignments/"
    client.post(url, {"organization": world.orgs["haixi"].pk, "role": "supporting"})
    client.post(url, {"organization": world.orgs["haixi"].pk, "role": "lead"})

    client.force_login(world.users["leader"])  # anyone who may read the item reads its history
    page = client.get(f"/work-items/{item.pk}/").content.decode()
    work_item_history = page.split('id="history"')[1].split('id="assignment-history"')[0]
    assert work_item_history.count('class="history-entry"') == 2
    last = work_item_history.split('class="history-entry"')[-1]
    assert "t_prov_admin" in last
    assert timezone.localdate().isoformat() in last  # when
    assert "<del>2</del> → <ins>3.5</ins>" in last
    assert "<del>2024-11-30</del> → <ins>2024-12-15</ins>" in last

    assignment_history = page.split('id="assignment-history"')[1]
    lead, supporting = (
        zh("Lead (牵头)"),
        zh("Supporting (配合)"),
    )
    assert f"<del>{supporting}</del> → <ins>{lead}</ins>" in assignment_history
    assert "t_prov_admin" in assignment_history


def test_indicators_carried_can_be_changed_and_cleared(world, client):
    item = new_item(world)
    indicator = Indicator.objects.get(code="science-literacy-rate")
    client.force_login(world.users["prov_admin"])
    url = f"/work-items/{item.pk}/assignments/"
    xining = world.orgs["xining"].pk
    client.post(url, {"organization": xining, "role": "lead", "indicators": [indicator.pk]})
    assignment = Assignment.objects.get(work_item=item)
    assert list(assignment.indicators.all()) == [indicator]
    change = client.get(f"/work-items/{item.pk}/?change={assignment.pk}").content.decode()
    box = re.search(
        rf'<input type="checkbox" name="indicators" value="{indicator.pk}"[^>]*>', change
    )
    assert box and "checked" in box.group(0)  # the change form starts from the current choice

    assert client.post(url, {"organization": xining, "role": "lead"}).status_code == 302
    assert not assignment.indicators.exists()
    page = client.get(f"/assignments/{assignment.pk}/").content.decode()
    assert f"<del>{indicator.name}</del> → <ins>—</ins>" in page


def test_removing_an_assignment_keeps_reports(world, client):
    item = new_item(world)
    plain = assign(world, item, "haixi")
    reported = assign(world, item, "xining", "lead")
    services.periods_generate(plan=world.plans["qh"], kind="quarter")
    period = world.plans["qh"].periods.get(year=2024, number=1)
    services.report_open(user=world.users["xining_officer"], assignment=reported, period=period)

    client.force_login(world.users["prov_admin"])
    assert client.post(f"/assignments/{plain.pk}/delete/").status_code == 302
    assert not Assignment.objects.filter(pk=plain.pk).exists()
    response = client.post(f"/assignments/{reported.pk}/delete/", follow=True)
    assert Assignment.objects.filter(pk=reported.pk).exists()
    org = world.orgs["xining"].display_name
    assert (
        zh(
            "%(org)s has already reported on this work item; its assignment cannot be removed.",
            org=org,
        )
        in response.content.decode()
    )
    history = response.content.decode().split('id="assignment-history"')[1]
    assert 'data-type="-"' in history  # the removal is kept in the history


def test_a_year_outside_the_plan_is_refused_beside_the_field(world, client):
    before = counts()
    client.force_login(world.users["prov_admin"])
    task = world.plans["qh"].key_tasks.get(number=7)
    response = client.post(
        "/work-items/new/",
        {
            "key_task": task.pk,
            "year": 2030,
            "title": TITLE,
            "weight": "1",
            "due_date": "2030-01-01",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_year-error"' in html and f'value="{TITLE}"' in html
    assert counts() == before


def test_anonymous_visitors_are_sent_to_the_login(world, client):
    item = new_item(world)
    for url in ("/work-items/", f"/work-items/{item.pk}/", "/work-items/import/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
