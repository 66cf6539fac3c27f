from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from qhsta.forms import add_service_errors
from qhsta.scoping import Action, ancestor_paths
from qhsta.scoping.views import ScopedViewMixin

from . import services
from .forms import AccountCreateForm, RoleGrantForm
from .models import Account, Membership, Organization
from .roles import ROLE_ACTIONS
from .selectors import (
    account_list,
    can_manage_users,
    login_lock,
    memberships_managed,
    organization_children,
)


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

    def form_invalid(self, form):
        """Refused input answers 400 with the form and its errors."""
        response = super().form_invalid(form)
        response.status_code = 400
        return response

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
        except ValidationError as exc:  # the model's own rules (the username's characters …)
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
        "login_lock": login_lock(user=account),
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


class AccountUnlockView(ScopedViewMixin, SingleObjectMixin, View):
    """An administrator lets an account locked by failed logins back in (every address)."""

    model = Account
    read_action = write_action = Action.MANAGE

    def post(self, request, *args, **kwargs):
        account = self.get_object()
        services.user_unlock(actor=request.user, user=account)
        messages.success(request, _("The account is unlocked; its owner can log in again."))
        return redirect(reverse("orgs:account_detail", kwargs={"pk": account.pk}))
