"""Page bases for the portal's registers (science popularisation, think tank): a scoped list, a
form that writes through a service (errors next to their fields, nothing typed is lost), an Excel
import page."""

from functools import reduce
from operator import or_

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, View
from django.views.generic.detail import SingleObjectMixin

from qhsta.forms import BootstrapFormMixin, add_service_errors
from qhsta.history import history_entries
from qhsta.scoping import Action, user_can
from qhsta.scoping.registry import organization_model
from qhsta.scoping.views import ScopedViewMixin, refuse


def reportable_orgs(user, kinds=None, action: Action = Action.REPORT):
    orgs = organization_model().objects.restrict(user, action).filter(is_active=True)
    return orgs.filter(kind__in=kinds) if kinds else orgs


class RegisterListView(ScopedViewMixin, ListView):
    """A scoped, paginated list of a register; `can_add` when the user may write anywhere."""

    paginate_by = 50
    org_kinds: tuple = ()
    related: tuple = ("organization",)  # read with each row
    search_fields: tuple = ()  # ?q= finds rows containing it in any of these
    filter_fields: tuple = ()  # ?name=value keeps the rows with that value

    def narrow(self, queryset):
        queryset = queryset.select_related(*self.related)
        q = self.request.GET.get("q", "").strip()
        if q and self.search_fields:
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{name}__icontains": q}) for name in self.search_fields))
            )
        for name in self.filter_fields:
            if value := self.request.GET.get(name):
                queryset = queryset.filter(**{name: value})
        return queryset

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_add": reportable_orgs(self.request.user, self.org_kinds).exists(),
            "q": self.request.GET.get("q", ""),
        }


class RegisterFormView(ScopedViewMixin, SingleObjectMixin, FormView):
    """Create (no pk) or change (pk) a register's row through `save(form, obj)`.

    GET of an existing row needs `write_action` over it too: a viewer gets the 403 with a message.
    """

    read_action = Action.VIEW
    write_action = Action.REPORT
    template_name = "sciencepop/form.html"
    org_kinds: tuple = ()
    success_message = ""
    title = ""
    cancel_url = None

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if (
            request.user.is_authenticated
            and not reportable_orgs(request.user, self.org_kinds, self.write_action).exists()
        ):
            refuse(request, _("You may not add records to this register."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self._load()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._load()
        return super().post(request, *args, **kwargs)

    def _load(self):
        if "pk" in self.kwargs:
            self.object = self.get_object()
            if not user_can(self.request.user, self.write_action, self.object):
                refuse(
                    self.request,
                    _("You may see this, but you may not change it."),
                    obj=self.object,
                )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.object is not None:
            # the form works on a copy: a service compares the saved row with the new values
            kwargs["instance"] = type(self.object)._default_manager.get(pk=self.object.pk)
        return kwargs

    def form_valid(self, form):
        try:
            obj = self.save(form, self.object)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message or _("Saved."))
        return redirect(self.get_success_url(obj))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = []
        if self.object is not None and hasattr(self.object, "history"):
            history = history_entries(
                user=self.request.user,
                model=type(self.object),
                records=self.object.history.all().select_related("history_user"),
            )
        return {
            **context,
            "object": self.object,
            "title": self.title,
            "history": history,
            "cancel_url": self.cancel_url,
            "delete_url": self.delete_url(),
        }

    def delete_url(self):
        return None

    def save(self, form, obj):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_success_url(self, obj):  # pragma: no cover - abstract
        raise NotImplementedError


class RegisterDeleteView(ScopedViewMixin, SingleObjectMixin, View):
    write_action = Action.REPORT

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.remove(obj)
        messages.success(request, _("Removed: %(name)s.") % {"name": obj})
        return redirect(self.success_url)

    def remove(self, obj):  # pragma: no cover - abstract
        raise NotImplementedError


class RegisterImportView(ScopedViewMixin, FormView):
    """Upload an Excel sheet; errors come back by row with nothing saved."""

    write_action = Action.REPORT
    template_name = "sciencepop/import.html"
    org_kinds: tuple = ()
    spec = None
    title = ""
    back_url = ""
    template_url = ""

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and not reportable_orgs(request.user, self.org_kinds).exists()
        ):
            refuse(request, _("You may not add records to this register."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        from django import forms

        class Upload(BootstrapFormMixin, forms.Form):
            file = forms.FileField(
                label=_("Excel file (.xlsx)"),
                widget=forms.ClearableFileInput(
                    attrs={
                        "accept": ".xlsx,application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet"
                    }
                ),
            )

        return Upload

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title,
            "notes": [(self.spec.columns[k], v) for k, v in self.spec.notes.items()],
            "required": [self.spec.columns[k] for k in self.spec.required],
            "max_rows": self.spec.max_rows,
            "back_url": self.back_url,
            "template_url": self.template_url,
        }

    def form_valid(self, form):
        from qhsta.sheets import ImportRejected

        try:
            result = self.run(form.cleaned_data["file"])
        except ImportRejected as rejected:
            context = self.get_context_data(
                form=form, errors=rejected.errors, error_total=rejected.total
            )
            return self.render_to_response(context, status=400)
        messages.success(
            self.request,
            _("Imported: %(created)s created, %(updated)s changed, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect(self.back_url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def run(self, upload):  # pragma: no cover - abstract
        raise NotImplementedError


class TemplateDownloadView(ScopedViewMixin, View):
    """The empty import sheet of a register."""

    write_action = None
    filename = "template.xlsx"

    def get(self, request, *args, **kwargs):
        from qhsta.sheets import XLSX_TYPE

        response = HttpResponse(self.content(request.user), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response

    def content(self, user) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError


__all__ = [
    "NON_FIELD_ERRORS",
    "RegisterDeleteView",
    "RegisterFormView",
    "RegisterImportView",
    "RegisterListView",
    "TemplateDownloadView",
    "reportable_orgs",
]
