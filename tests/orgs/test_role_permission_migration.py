"""orgs 0004 brings the permission rows of existing role holders into line with the roles: a unit
administrator keeps no account management (三员分立), a security administrator gets it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("orgs", "0003_access_event_user_changed")]
AFTER = [("orgs", "0004_audit_chain_and_admin_roles")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_admins_lose_account_management_and_security_admins_gain_it():
    apps = _migrate(BEFORE)
    Organization = apps.get_model("orgs", "Organization")
    Membership = apps.get_model("orgs", "Membership")
    Grant = apps.get_model("orgs", "OrganizationUserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model("auth", "User")
    try:
        xining = Organization.objects.create(
            code="xining", name="西宁市科学技术协会", kind="prefecture_sta", path="0001", depth=1
        )
        admin = User.objects.create(username="mig_admin")
        secadmin = User.objects.create(username="mig_secadmin")
        content_type, _ = ContentType.objects.get_or_create(app_label="orgs", model="organization")

        def perm(codename):
            return Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": codename}
            )[0]

        Membership.objects.create(user=admin, organization=xining, role="admin")
        Membership.objects.create(user=secadmin, organization=xining, role="secadmin")
        # the admin's rows as they were, plus account management it may have been given
        for codename in ("view_scope", "report_scope", "review_scope", "manage_scope"):
            Grant.objects.create(user=admin, content_object=xining, permission=perm(codename))
        Grant.objects.create(user=admin, content_object=xining, permission=perm("accounts_scope"))

        apps = _migrate(AFTER)
        Grant = apps.get_model("orgs", "OrganizationUserObjectPermission")

        def codenames(user):
            return set(
                Grant.objects.filter(user_id=user.pk).values_list("permission__codename", flat=True)
            )

        assert codenames(admin) == {"view_scope", "report_scope", "review_scope", "manage_scope"}
        assert codenames(secadmin) == {"accounts_scope"}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
