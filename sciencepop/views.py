"""Pages of science popularisation: overview, surveys, venues, bases, events, imports."""

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from orgs.choices import OrganizationKind
from qhsta.register_views import (
    RegisterDeleteView,
    RegisterFormView,
    RegisterImportView,
    RegisterListView,
    TemplateDownloadView,
)
from qhsta.scoping.views import ScopedViewMixin

from . import importers, services
from .choices import VenueStatus
from .forms import LiteracySurveyForm, ScienceBaseForm, ScienceEventForm, VenueForm
from .models import LiteracySurvey, ScienceBase, ScienceEvent, Venue
from .selectors import coverage_summary, event_summary, literacy_summary, venue_list

PREFECTURES = (OrganizationKind.PREFECTURE_STA,)
COUNTIES = (OrganizationKind.COUNTY_STA,)


class OverviewView(ScopedViewMixin, TemplateView):
    """The literacy rate by year against the plan's target, county coverage and this year's events."""

    model = LiteracySurvey
    template_name = "sciencepop/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "literacy": literacy_summary(user),
            "coverage": coverage_summary(user),
            "events": event_summary(user),
        }


# ---- literacy surveys ----------------------------------------------------------------------


class SurveyListView(RegisterListView):
    model = LiteracySurvey
    template_name = "sciencepop/survey_list.html"
    org_kinds = PREFECTURES

    def narrow(self, queryset):
        return queryset.select_related("organization").order_by("-year", "organization__path")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "literacy": literacy_summary(self.request.user),
        }


class SurveyFormView(RegisterFormView):
    model = LiteracySurvey
    form_class = LiteracySurveyForm
    org_kinds = PREFECTURES
    title = _("Science-literacy survey result")
    success_message = _("Survey result saved; the province's rate is being recomputed.")
    cancel_url = reverse_lazy("sciencepop:survey_list")

    def save(self, form, obj):
        return services.literacy_survey_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            year=form.cleaned_data["year"],
            survey=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("sciencepop:survey_list")

    def delete_url(self):
        return self.object and reverse("sciencepop:survey_delete", args=[self.object.pk])


class SurveyDeleteView(RegisterDeleteView):
    model = LiteracySurvey
    success_url = reverse_lazy("sciencepop:survey_list")

    def remove(self, obj):
        services.literacy_survey_delete(actor=self.request.user, survey=obj)


class SurveyImportView(RegisterImportView):
    model = LiteracySurvey
    org_kinds = PREFECTURES
    spec = importers.SURVEY_SHEET
    title = _("Import survey results from Excel")
    back_url = reverse_lazy("sciencepop:survey_list")
    template_url = reverse_lazy("sciencepop:survey_template")

    def run(self, upload):
        return importers.import_surveys(user=self.request.user, upload=upload)


class SurveyTemplateView(TemplateDownloadView):
    model = LiteracySurvey
    filename = "literacy-surveys.xlsx"

    def content(self, user):
        return importers.survey_template(user=user)


# ---- venues --------------------------------------------------------------------------------


class VenueListView(RegisterListView):
    model = Venue
    template_name = "sciencepop/venue_list.html"
    org_kinds = COUNTIES

    def narrow(self, queryset):
        return venue_list(
            queryset,
            q=self.request.GET.get("q", "").strip(),
            status=self.request.GET.get("status", ""),
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "coverage": coverage_summary(self.request.user),
            "statuses": VenueStatus.choices,
            "status": self.request.GET.get("status", ""),
        }


class VenueFormView(RegisterFormView):
    model = Venue
    form_class = VenueForm
    org_kinds = COUNTIES
    title = _("Science venue")
    cancel_url = reverse_lazy("sciencepop:venue_list")

    def save(self, form, obj):
        return services.venue_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            venue=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("sciencepop:venue_list")

    def delete_url(self):
        return self.object and reverse("sciencepop:venue_delete", args=[self.object.pk])


class VenueDeleteView(RegisterDeleteView):
    model = Venue
    success_url = reverse_lazy("sciencepop:venue_list")

    def remove(self, obj):
        services.venue_delete(actor=self.request.user, venue=obj)


class VenueImportView(RegisterImportView):
    model = Venue
    org_kinds = COUNTIES
    spec = importers.VENUE_SHEET
    title = _("Import venues from Excel")
    back_url = reverse_lazy("sciencepop:venue_list")
    template_url = reverse_lazy("sciencepop:venue_template")

    def run(self, upload):
        return importers.import_venues(user=self.request.user, upload=upload)


class VenueTemplateView(TemplateDownloadView):
    model = Venue
    filename = "science-venues.xlsx"

    def content(self, user):
        return importers.venue_template(user=user)


# ---- bases and events ----------------------------------------------------------------------


class BaseListView(RegisterListView):
    model = ScienceBase
    template_name = "sciencepop/base_list.html"
    search_fields = ("name", "theme")


class BaseFormView(RegisterFormView):
    model = ScienceBase
    form_class = ScienceBaseForm
    title = _("Science-popularisation base")
    cancel_url = reverse_lazy("sciencepop:base_list")

    def save(self, form, obj):
        return services.science_base_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            base=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("sciencepop:base_list")


class EventListView(RegisterListView):
    model = ScienceEvent
    template_name = "sciencepop/event_list.html"
    related = ("organization", "base")
    search_fields = ("title", "location")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "summary": event_summary(self.request.user)}


class EventFormView(RegisterFormView):
    model = ScienceEvent
    form_class = ScienceEventForm
    title = _("Science-popularisation event")
    cancel_url = reverse_lazy("sciencepop:event_list")

    def save(self, form, obj):
        return services.science_event_save(
            actor=self.request.user,
            organization=form.cleaned_data["organization"],
            event=obj,
            **form.values(),
        )

    def get_success_url(self, obj):
        return reverse("sciencepop:event_list")

    def delete_url(self):
        return self.object and reverse("sciencepop:event_delete", args=[self.object.pk])


class EventDeleteView(RegisterDeleteView):
    model = ScienceEvent
    success_url = reverse_lazy("sciencepop:event_list")

    def remove(self, obj):
        services.science_event_delete(actor=self.request.user, event=obj)
