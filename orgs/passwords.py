"""The password policy (等保 2.0 level 3) as Django password validators (AUTH_PASSWORD_VALIDATORS).

- CharacterClassValidator: at least `min_classes` of lower case, upper case, digits, symbols.
- PasswordHistoryValidator: none of the account's last `count` passwords again. Django calls its
  `password_changed` after every saved password change, wherever it happens (self-service change
  or reset, the users page, the Django admin, `changepassword`): that records the new password in
  the history and revokes the account's tokens and sessions (orgs.services.password_changed).
  A system check (orgs.checks) refuses to start without it.
"""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CLASSES = (
    ("lower", lambda ch: ch.islower()),
    ("upper", lambda ch: ch.isupper()),
    ("digit", lambda ch: ch.isdigit()),
    ("symbol", lambda ch: not ch.isalnum()),
)


def character_classes(password: str) -> set[str]:
    """Which of lower case, upper case, digits and symbols the password uses."""
    return {name for name, test in CLASSES if any(test(ch) for ch in password)}


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower case letters, "
            "upper case letters, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lower case letters, "
            "upper case letters, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.count <= 0:
            return
        from .selectors import password_recent_hashes

        for encoded in password_recent_hashes(user=user, count=self.count):
            if check_password(password, encoded):
                raise ValidationError(self.get_help_text(), code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .services import password_changed

        password_changed(user=user, keep=self.count)

    def get_help_text(self):
        return _("Your password cannot be one of your last %(n)d passwords.") % {"n": self.count}
