"""Smoke test of `make bench`: the generator at a tiny size, and what the benchmark measures on it.

No timing is asserted: the figures belong to `make bench` on PostgreSQL.
"""

import pytest
from django.contrib.auth import get_user_model

from bench.generate import Config, designated_users, generate
from bench.scoping import MEASURED, measure_list, same_rows, scoped_queryset
from orgs.models import Membership, Organization, OrganizationUserObjectPermission
from orgs.services import user_permissions_sync
from tasks.models import ProgressReport

pytestmark = pytest.mark.django_db

SIZES = (300, 1_200)


def in_subtrees(paths: list[str]) -> set[int]:
    """The reports of organisations under `paths`, worked out without the scoping API."""
    rows = ProgressReport.objects.values_list("pk", "organization__path")
    return {pk for pk, path in rows if any(path.startswith(p) for p in paths)}


def test_generated_data_is_scoped_and_lists_cost_the_same_queries_at_two_sizes():
    queries = {}
    for size in SIZES:
        config = Config.small(size)
        summary = generate(config)

        assert ProgressReport.objects.count() == summary.reports == size
        assert Organization.objects.count() == config.orgs
        assert get_user_model().objects.count() == config.users
        assert all(not problems for problems in Organization.objects.find_problems())
        assert Organization.objects.get_root_nodes().count() == config.provinces

        users = designated_users()
        for username, _label, action in MEASURED:
            user = users[username]
            assert not user.has_usable_password()
            # The permission rows are exactly those the user's roles give.
            before = set(
                OrganizationUserObjectPermission.objects.filter(user=user).values_list(
                    "permission__codename", "content_object_id"
                )
            )
            user_permissions_sync(user=user)
            after = set(
                OrganizationUserObjectPermission.objects.filter(user=user).values_list(
                    "permission__codename", "content_object_id"
                )
            )
            assert before == after

            paths = list(
                Membership.objects.filter(user=user).values_list("organization__path", flat=True)
            )
            visible = set(scoped_queryset(user, action).values_list("pk", flat=True))
            assert visible == in_subtrees(paths)
            assert 0 < len(visible) < size
            assert same_rows(user, action)

            result = measure_list(user, action, iterations=1, warmup=0)
            assert result["rows_in_scope"] == len(visible)
            assert result["page_rows"] == min(50, len(visible))
            queries[size, username] = result["queries"]["scoped"]

    for username, _label, _action in MEASURED:
        # The scope, the page's keys, the page and the count: the same four queries whatever
        # the size.
        assert [queries[size, username] for size in SIZES] == [4, 4]
