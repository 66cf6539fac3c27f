"""Forms of the account pages: an organisation within the user's scope, granting a role, a new account."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qhsta.forms import BootstrapFormMixin
from qhsta.scoping import Action

from .choices import AccessEventKind, Outcome, Role
from .identity import full_name_errors, username_errors
from .models import Organization
from .services import roles_offered


class ScopedOrganizationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * (obj.depth - 1)}{obj.display_name}"


class RoleGrantForm(forms.Form):
    organization = ScopedOrganizationField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only organisations the manager manages are offered (and accepted), and only the roles
        # they may give somewhere there (a prefecture's security administrator: no system or
        # audit administrator); the service decides for the organisation chosen.
        self.fields["organization"].queryset = Organization.objects.restrict(user, Action.ACCOUNTS)
        offered = set(roles_offered(granter=user))
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in offered]


class AccountCreateForm(RoleGrantForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=password_validation.password_validators_help_text_html(),
    )

    field_order = ["username", "full_name", "email", "password", "organization", "role"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if problems := username_errors(username):
            raise forms.ValidationError(problems)
        return username

    def clean_full_name(self):
        full_name = self.cleaned_data["full_name"]
        if problems := full_name_errors(full_name):
            raise forms.ValidationError(problems)
        return full_name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            user = get_user_model()(
                username=cleaned.get("username", ""), first_name=cleaned.get("full_name", "")
            )
            try:
                password_validation.validate_password(cleaned["password"], user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_full_name(self):
        full_name = self.cleaned_data["full_name"]
        if problems := full_name_errors(full_name, user=self.account):
            raise forms.ValidationError(problems)
        return full_name


class AccountPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New initial password"),
        widget=forms.PasswordInput(),
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )


class PasswordChangeForm(BootstrapFormMixin, auth_forms.PasswordChangeForm):
    """The owner's own change: the old password, then the new one twice, under the policy."""


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    """A new password from a reset link, under the policy."""


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    """The e-mail address of the account; the link goes only to an active account's address."""


class AuditFilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    kind = forms.ChoiceField(
        label=pgettext_lazy("audit log", "Event"),
        required=False,
        choices=[("", _("All")), *AccessEventKind.choices],
    )
    outcome = forms.ChoiceField(
        label=pgettext_lazy("audit log", "Outcome"),
        required=False,
        choices=[("", _("All")), *Outcome.choices],
    )
    username = forms.CharField(label=_("User"), required=False, max_length=150)
    ip = forms.CharField(label=_("Address"), required=False, max_length=45)
    q = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"
