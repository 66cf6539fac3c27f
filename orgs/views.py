import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from dashboard.exports import Sheets
from qhsta.scoping import Action, ancestor_paths
from qhsta.scoping.views import ScopedViewMixin

from . import services
from .audit import audit_log
from .choices import AccessEventKind
from .forms import AccountCreateForm, AuditFilterForm, RoleGrantForm
from .models import Account, Membership, Organization
from .roles import ROLE_ACTIONS
from .selectors import (
    AuditFilter,
    account_list,
    audit_entries,
    can_manage_users,
    can_read_audit,
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
    read_action = Action.ACCOUNTS
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
    read_action = write_action = Action.ACCOUNTS
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
