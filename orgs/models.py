"""The organisation tree (materialised path), role memberships, their guardian permission rows, the access log and accounts."""

from django.conf import settings
from django.contrib.auth.models import User, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from treebeard.mp_tree import MP_Node, MP_NodeManager

from qhsta.models import TimeStampedModel
from qhsta.scoping import Scope, ScopedMPNodeQuerySet, ScopedQuerySet

from .choices import AccessEventKind, OrganizationKind, Outcome, Role


class AccountManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class OrganizationManager(MP_NodeManager.from_queryset(ScopedMPNodeQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep the tree order, add scoping
        return ScopedMPNodeQuerySet(self.model, using=self._db).order_by("path")


class Organization(MP_Node):
    """A node of the STA organisation tree; its place in the tree scopes every permission."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganizationManager()

    scope = Scope(org_path="path")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        # Object permissions, granted through roles (orgs.roles) and covering the whole subtree.
        permissions = [
            ("view_scope", _("See the organisation and everything under it")),
            ("report_scope", _("Report for the organisation and everything under it")),
            ("review_scope", _("Review reports of the organisation and everything under it")),
            ("manage_scope", _("Manage the plan and configuration of the organisation's subtree")),
            ("accounts_scope", _("Manage accounts and roles in the organisation's subtree")),
            ("audit_scope", _("Read and export the audit log")),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Membership(TimeStampedModel):
    """A role held by a user at an organisation (and so over its descendants)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    scope = Scope(org_path="organization__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        ordering = ["user", "organization__path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    """Guardian's object permission rows for organisations, deleted with their organisation."""

    content_object = models.ForeignKey(Organization, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("organisation permission")
        verbose_name_plural = _("organisation permissions")


class AccessEvent(models.Model):
    """An entry of the audit log: who, when, from where, what and the outcome.

    Entries form a hash chain (orgs.audit): each carries the hash of the one before, so a
    changed or removed entry breaks the chain at the next one (`manage.py verify_audit`). The
    hash covers the text of an entry, not its links to users and organisations, which may go.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=AccessEventKind.choices)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concerning user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_username = models.CharField(_("concerning user"), max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization_code = models.CharField(_("organisation code"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    ip = models.CharField(_("address"), max_length=45, blank=True)
    request_path = models.CharField(_("request path"), max_length=500, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    prev_hash = models.CharField(_("hash of the entry before"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class Account(User):
    """A user account as the users page sees it: scoped through the account's role memberships."""

    scope = Scope(org_path="memberships__organization__path", multi_valued=True)
    objects = AccountManager()

    class Meta:
        proxy = True
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")


class AccountSecurity(models.Model):
    """An account's password age, whether it must change its password, and its last login.

    Written by orgs.services (password changes, logins); read by orgs.selectors."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="security",
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    password_must_change = models.BooleanField(
        _("password must be changed"),
        default=False,
        help_text=_("Set by an administrator's password: the owner changes it at the next login."),
    )
    last_login_at = models.DateTimeField(_("last login at"), null=True, blank=True)
    last_login_address = models.GenericIPAddressField(
        _("last login address"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """The hash of a password an account has had, so that recent ones are not chosen again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"
