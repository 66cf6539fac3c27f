"""API tokens: several per user, stored hashed (django-rest-knox), each with a name to tell
them apart, listed and revoked by their owner and by administrators of the owner's organisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from qhsta.scoping import Scope, ScopedQuerySet


class ApiTokenQuerySet(ScopedQuerySet):
    pass


class ApiToken(AbstractAuthToken):
    """A client's token. Only its SHA-512 digest is stored; the key is shown once, when issued."""

    # knox keys a token by its digest; a plain id keeps the digest out of URLs and lists
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    # administrators (manage) see the tokens of the accounts whose roles lie in their subtree
    scope = Scope(org_path="user__memberships__organization__path", multi_valued=True)
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.token_key}… · {self.user}"
