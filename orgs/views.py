"""Pages of the organisation tree and of accounts and their roles (administrators, within their subtree)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from qhsta.forms import add_service_errors
from qhsta.scoping import Action, ancestor_paths
from qhsta.scoping.views import ScopedViewMixin

from . import services
from .forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountPasswordForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleGrantForm,
    SetPasswordForm,
)
from .middleware import PASSWORD_CHANGE_SESSION_KEY
from .models import Account, Membership, Organization
from .roles import ROLE_ACTIONS
from .selectors import account_list, can_manage_users, memberships_managed, organization_children


class OrganizationListView(ScopedViewMixin, ListView):
    model = Organization
    paginate_by = 50
    template_name = "orgs/organization_list.html"

    def narrow(self, queryset):
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(Q(name__icontains=query) | Q(code__icontains=query))
        return queryset.order_by("path")


class OrganizationDetailView(ScopedViewMixin, DetailView):
    model = Organization
    slug_field = slug_url_kwarg = "code"
    template_name = "orgs/organization_detail.html"

    def get_context_data(self, **kwargs):
        org = self.object
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "children": organization_children(organization=org, user=user),
            "ancestors": Organization.objects.restrict(user).filter(
                path__in=ancestor_paths(org.path)
            ),
            "roles": memberships_managed(user=user).filter(organization=org).select_related("user"),
        }


class AccountListView(ScopedViewMixin, ListView):
    """Accounts inside the manager's organisations (provincial or prefecture administrators)."""

    model = Account
    read_action = Action.MANAGE
    paginate_by = 50
    template_name = "orgs/account_list.html"
    context_object_name = "accounts"

    def narrow(self, queryset):
        return account_list(user=self.request.user, query=self.request.GET.get("q", "").strip())

    def get(self, request, *args, **kwargs):
        if not can_manage_users(request.user):
            raise PermissionDenied(_("Only administrators manage accounts."))
        return super().get(request, *args, **kwargs)


class AccountCreateView(ScopedViewMixin, FormView):
    model = Account
    read_action = write_action = Action.MANAGE
    form_class = AccountCreateForm
    template_name = "orgs/account_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_users(request.user):
            raise PermissionDenied(_("Only administrators manage accounts."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            account = services.user_create(
                creator=self.request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password"],
                organization=data["organization"],
                role=data["role"],
            )
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Account %(name)s created.") % {"name": account.username})
        return redirect("orgs:account_detail", pk=account.pk)


def account_page_context(*, request, account, grant_form=None) -> dict:
    return {
        "account": account,
        "roles": memberships_managed(user=request.user).filter(user=account),
        "grant_form": grant_form or RoleGrantForm(user=request.user),
        "role_actions": ROLE_ACTIONS,
    }


class AccountDetailView(ScopedViewMixin, DetailView):
    model = Account
    read_action = Action.MANAGE
    template_name = "orgs/account_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **account_page_context(request=self.request, account=self.object)}


class AccountRoleGrantView(ScopedViewMixin, SingleObjectMixin, View):
    model = Account
    read_action = write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        account = self.object = self.get_object()
        form = RoleGrantForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.membership_grant(
                    user=account,
                    organization=form.cleaned_data["organization"],
                    role=form.cleaned_data["role"],
                    granter=request.user,
                )
            except PermissionDenied as exc:
                form.add_error("role", str(exc))
        if form.errors:
            context = account_page_context(request=request, account=account, grant_form=form)
            return render(request, "orgs/account_detail.html", context, status=400)
        messages.success(request, _("Role granted."))
        return redirect("orgs:account_detail", pk=account.pk)


class MembershipWithdrawView(ScopedViewMixin, SingleObjectMixin, View):
    model = Membership
    read_action = write_action = Action.MANAGE

    def narrow(self, queryset):
        return queryset.filter(user_id=self.kwargs["account_pk"])

    def post(self, request, *args, **kwargs):
        membership = self.get_object()
        services.membership_withdraw(membership=membership, actor=request.user)
        messages.success(request, _("Role withdrawn."))
        return redirect("orgs:account_detail", pk=self.kwargs["account_pk"])


class AccountActiveView(ScopedViewMixin, SingleObjectMixin, View):
    model = Account
    read_action = write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        account = self.get_object()
        active = request.POST.get("active") == "1"
        try:
            services.user_set_active(actor=request.user, user=account, active=active)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Account activated.") if active else _("Account deactivated.")
            )
        return redirect(reverse("orgs:account_detail", kwargs={"pk": account.pk}))


class AccountEditView(ScopedViewMixin, SingleObjectMixin, FormView):
    """An account's name and e-mail (the username never changes)."""

    model = Account
    read_action = write_action = Action.MANAGE
    form_class = AccountEditForm
    template_name = "orgs/account_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"full_name": self.object.first_name, "email": self.object.email}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "account": self.object}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.object}

    def form_valid(self, form):
        try:
            services.user_update(
                actor=self.request.user,
                user=self.object,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Account changed."))
        return redirect("orgs:account_detail", pk=self.object.pk)


class AccountPasswordView(ScopedViewMixin, SingleObjectMixin, FormView):
    """An administrator sets a new initial password, which the owner changes at the next login."""

    model = Account
    read_action = write_action = Action.MANAGE
    form_class = AccountPasswordForm
    template_name = "orgs/account_password.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.object}

    def form_valid(self, form):
        try:
            services.user_password_set(
                actor=self.request.user, user=self.object, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("New initial password set; the owner changes it at the next login."),
        )
        return redirect("orgs:account_detail", pk=self.object.pk)


# The owner's password: changed after logging in, or reset through a link sent by e-mail.


class PasswordChangeView(auth_views.PasswordChangeView):
    scope_exempt = "the user's own password"
    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reason": self.request.session.get(PASSWORD_CHANGE_SESSION_KEY),
            "password_max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
        }

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, under a new key
        self.request.session.pop(PASSWORD_CHANGE_SESSION_KEY, None)
        messages.success(
            self.request,
            _(
                "Your password has been changed. Your API tokens were revoked and your other "
                "sessions ended."
            ),
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    scope_exempt = "asks for a reset link by e-mail"
    form_class = PasswordResetForm
    template_name = "registration/password_reset.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    scope_exempt = "says a reset link was sent"
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        return {**super().get_context_data(**kwargs), "reset_hours": hours}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    scope_exempt = "a new password through a reset link"
    form_class = SetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    scope_exempt = "says the password was reset"
    template_name = "registration/password_reset_complete.html"
