"""Who an account appears to be: usernames and display names that cannot pass for someone else.

- A username is ASCII letters, digits and `._-`; it is refused when its look-alike skeleton
  (case, 0/o, 1/l/i, rn/m, vv/w, and the separators folded together) equals another account's.
- A display name (full name) cannot copy the name of a provincial account (a role at a
  provincial STA or one of its departments), not even with other spaces, invisible characters,
  full-width or compatibility forms.

One place for these rules: the account services call `account_identity_check`, and the forms
(the users pages, the Django admin) call it to put the message next to the field.
"""

import re
import unicodedata

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import OrganizationKind

USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")
PROVINCIAL_KINDS = (OrganizationKind.PROVINCIAL_STA, OrganizationKind.DEPARTMENT)
_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("i", "l"), ("-", "_"))


def username_skeleton(username: str) -> str:
    """What a username looks like to a reader: `Province-AdmIn` and `province_adm1n` look alike."""
    text = username.casefold().replace(".", "_")
    for seen, same_as in _LOOKALIKES:
        text = text.replace(seen, same_as)
    return text


def name_key(name: str) -> str:
    """A display name as a reader sees it: compatibility forms folded (NFKC), case folded,
    spaces, invisible and control characters dropped."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZC")


def username_errors(username: str, *, user=None) -> list[str]:
    if not USERNAME_RE.fullmatch(username or ""):
        return [_("Use only ASCII letters, digits, dots, hyphens and underscores in a username.")]
    skeleton = username_skeleton(username)
    others = get_user_model().objects.all()
    if user is not None and user.pk is not None:
        others = others.exclude(pk=user.pk)
    for existing in others.values_list("username", flat=True).iterator():
        if username_skeleton(existing) == skeleton:
            return [_("This username is taken, or looks too much like an existing one.")]
    return []


def full_name_errors(full_name: str, *, user=None) -> list[str]:
    """Problems of `full_name` (the whole name shown, first and last name together)."""
    key = name_key(full_name or "")
    if not key:
        return []
    provincial = get_user_model().objects.filter(
        memberships__organization__kind__in=PROVINCIAL_KINDS
    )
    if user is not None and user.pk is not None:
        provincial = provincial.exclude(pk=user.pk)
    # the name shown is get_full_name(): first and last name (the portal fills the first only)
    names = provincial.values_list("first_name", "last_name").distinct().iterator()
    for first, last in names:
        if name_key(f"{first}{last}") == key:
            return [
                _(
                    "This name is the name of a provincial account; choose one that tells "
                    "the two apart."
                )
            ]
    return []


def account_identity_check(*, username: str | None = None, full_name: str | None = None, user=None):
    """Raise a ValidationError naming `username` and/or `full_name` when either could pass for
    another account (`user`: the account being edited, left out of the comparison)."""
    errors = {}
    if username is not None and (problems := username_errors(username, user=user)):
        errors["username"] = problems
    if full_name is not None and (problems := full_name_errors(full_name, user=user)):
        errors["full_name"] = problems
    if errors:
        raise ValidationError(errors)
