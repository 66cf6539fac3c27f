"""A write naming an organisation outside the client's scope answers exactly like one naming an
organisation that does not exist: 400 on the field, no name, in every register's writes."""

import pytest
from django.contrib.auth import get_user_model

from orgs.models import Organization

REGISTERS = ["science-venues", "science-bases", "science-events", "literacy-surveys", "experts"]
REGISTERS += ["suggestions"]


def _answer(client, resource, code):
    response = client.post(f"/api/v1/{resource}/", {"organization": code}, format="json")
    body = response.json()
    return response.status_code, body.get("errors", {}).get("organization"), response.content


@pytest.mark.parametrize("resource", REGISTERS)
def test_another_prefectures_county_answers_like_an_unknown_one(resource, demo, token_client):
    client = token_client(get_user_model().objects.get(username="haixi_officer"))
    hidden = Organization.objects.get(code="xining-chengdong")
    status, errors, content = _answer(client, resource, hidden.code)
    unknown_status, unknown_errors, _ = _answer(client, resource, "no-such-org")
    assert status == unknown_status == 400
    assert errors and unknown_errors
    assert [e.replace(hidden.code, "?") for e in errors] == [
        e.replace("no-such-org", "?") for e in unknown_errors
    ]
    assert hidden.name not in content.decode()
    # a county of the client's own prefecture is not refused on the organisation
    _, own_errors, _ = _answer(client, resource, "haixi-golmud")
    assert not own_errors
