"""Pages of the organisation tree and of accounts and their roles (administrators, within their subtree)."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from qhsta.forms import add_service_errors
from qhsta.scoping import Action, ancestor_paths
from qhsta.scoping.views import ScopedViewMixin
from qhsta.workbooks import Sheets

from . import services
from .audit import audit_log
from .choices import AccessEventKind
from .forms import (
    AccountCreateForm,
    AccountEditForm,
    AccountPasswordForm,
    AuditFilterForm,
    PasswordChangeForm,
    PasswordResetForm,
    RoleGrantForm,
    SetPasswordForm,
)
from .middleware import PASSWORD_CHANGE_SESSION_KEY
from .models import Account, Membership, Organization
from .roles import ROLE_ACTIONS
from .selectors import (
    AuditFilter,
    account_list,
    audit_entries,
    can_manage_users,
    can_read_audit,
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
    """Accounts inside the manager's organisations (the province's or a prefecture's security administrator)."""

    model = Account
    read_action = Action.ACCOUNTS
    paginate_by = 50
    template_name = "orgs/account_list.html"
    context_object_name = "accounts"

    def narrow(self, queryset):
        return account_list(user=self.request.user, query=self.request.GET.get("q", "").strip())

    def get(self, request, *args, **kwargs):
        if not can_manage_users(request.user):
            raise PermissionDenied(_("Only security administrators manage accounts."))
        return super().get(request, *args, **kwargs)


class AccountCreateView(ScopedViewMixin, FormView):
    model = Account
    read_action = write_action = Action.ACCOUNTS
    form_class = AccountCreateForm
    template_name = "orgs/account_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_users(request.user):
            raise PermissionDenied(_("Only security administrators manage accounts."))
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
    read_action = Action.ACCOUNTS
    template_name = "orgs/account_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **account_page_context(request=self.request, account=self.object)}


class AccountRoleGrantView(ScopedViewMixin, SingleObjectMixin, View):
    model = Account
    read_action = write_action = Action.ACCOUNTS

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
            except (PermissionDenied, ValidationError) as exc:
                form.add_error("role", " ".join(getattr(exc, "messages", [str(exc)])))
        if form.errors:
            context = account_page_context(request=request, account=account, grant_form=form)
            return render(request, "orgs/account_detail.html", context, status=400)
        messages.success(request, _("Role granted."))
        return redirect("orgs:account_detail", pk=account.pk)


class MembershipWithdrawView(ScopedViewMixin, SingleObjectMixin, View):
    model = Membership
    read_action = write_action = Action.ACCOUNTS

    def narrow(self, queryset):
        return queryset.filter(user_id=self.kwargs["account_pk"])

    def post(self, request, *args, **kwargs):
        membership = self.get_object()
        services.membership_withdraw(membership=membership, actor=request.user)
        messages.success(request, _("Role withdrawn."))
        return redirect("orgs:account_detail", pk=self.kwargs["account_pk"])


class AccountActiveView(ScopedViewMixin, SingleObjectMixin, View):
    model = Account
    read_action = write_action = Action.ACCOUNTS

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
    read_action = write_action = Action.ACCOUNTS
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
    read_action = write_action = Action.ACCOUNTS
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


# ---- the audit log (the audit administrator's) --------------------------------------------

AUDIT_COLUMNS = (
    ("id", _lazy("No.")),
    ("at", _lazy("Time")),
    ("kind", pgettext_lazy("audit log", "Event")),
    ("outcome", pgettext_lazy("audit log", "Outcome")),
    ("username", _lazy("User")),
    ("ip", _lazy("Address")),
    ("target_username", _lazy("Concerning user")),
    ("organization_code", _lazy("Organisation")),
    ("object", _lazy("Object")),
    ("request", _lazy("Request")),
    ("detail", _lazy("Detail")),
    ("hash", _lazy("Hash")),
)
MAX_XLSX_ROWS = 100_000


class AuditAccessMixin:
    """The audit log is not organisation data: it is read whole, by the audit administrator only
    (can_read_audit, from the audit_scope a role grants), never through another role's scope."""

    scope_exempt = "audit log: the audit administrator only (orgs.selectors.can_read_audit)"

    def dispatch(self, request, *args, **kwargs):
        if not can_read_audit(request.user):
            raise PermissionDenied(_("Only the audit administrator reads the audit log."))
        self.filter_form = AuditFilterForm(request.GET or None)
        return super().dispatch(request, *args, **kwargs)

    def filters(self) -> AuditFilter:
        form = self.filter_form
        if not form.is_bound or not form.is_valid():
            return AuditFilter()
        return AuditFilter(**form.cleaned_data)


class AuditLogView(AuditAccessMixin, ListView):
    template_name = "orgs/audit_log.html"
    context_object_name = "entries"
    paginate_by = 100

    def get_queryset(self):
        return audit_entries(user=self.request.user, filters=self.filters())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filter_form": self.filter_form,
            "query": query.urlencode(),
        }


def _text_cell(value) -> str:
    """A cell as text; one a spreadsheet would run as a formula is written as text (usernames of
    failed logins are whatever was typed)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _audit_row(entry) -> list:
    at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    values = [
        entry.pk,
        at,
        entry.get_kind_display(),
        entry.get_outcome_display(),
        entry.username,
        entry.ip,
        entry.target_username,
        entry.organization_code,
        " ".join(filter(None, [entry.object_type, entry.object_id, entry.object_repr])),
        " ".join(filter(None, [entry.method, entry.request_path])),
        entry.detail,
        entry.hash,
    ]
    return [v if isinstance(v, int) else _text_cell(v) for v in values]


class AuditExportView(AuditAccessMixin, View):
    """The filtered audit log as CSV or Excel; the export is itself an entry of the log."""

    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        entries = audit_entries(user=request.user, filters=self.filters())
        headers = [str(label) for _, label in AUDIT_COLUMNS]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        if fmt == "xlsx":
            count = entries.count()
            if count > MAX_XLSX_ROWS:
                messages.error(
                    request,
                    _("%(n)s entries are too many for Excel; narrow the filters or export CSV.")
                    % {"n": count},
                )
                return redirect(f"{reverse('orgs:audit_log')}?{request.GET.urlencode()}")
            sheets = Sheets()
            sheets.sheet(_("Audit log"), headers, (_audit_row(e) for e in entries.iterator()))
            sheets.about([[_("Exported by"), request.user.get_username()]])
            response = sheets.response(f"audit-log-{stamp}.xlsx")
        else:
            response = StreamingHttpResponse(
                _csv_lines(headers, entries), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        audit_log(
            AccessEventKind.EXPORT,
            request=request,
            detail=f"audit log {fmt}: {request.GET.urlencode()}"[:300],
        )
        response.audit_logged = True
        return response


def _csv_lines(headers, entries):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly only with a BOM
    writer.writerow(headers)
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(_audit_row(entry))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class AccountUnlockView(ScopedViewMixin, SingleObjectMixin, View):
    """An administrator lets an account locked by failed logins back in (every address)."""

    model = Account
    read_action = write_action = Action.ACCOUNTS

    def post(self, request, *args, **kwargs):
        account = self.get_object()
        services.user_unlock(actor=request.user, user=account)
        messages.success(request, _("The account is unlocked; its owner can log in again."))
        return redirect(reverse("orgs:account_detail", kwargs={"pk": account.pk}))
