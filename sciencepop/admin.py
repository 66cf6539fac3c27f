"""Admin of the science-popularisation registers: literacy surveys, venues, bases, events."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import LiteracySurvey, ScienceBase, ScienceEvent, Venue


@admin.register(LiteracySurvey)
class LiteracySurveyAdmin(SimpleHistoryAdmin):
    list_display = [
        "organization",
        "year",
        "sample_size",
        "sample_literate",
        "reported_rate",
        "population",
    ]
    list_filter = ["year"]
    autocomplete_fields = ["organization"]
    search_fields = ["organization__name", "source"]

    # the admin writes the row itself; the plan's indicator follows as it does from the pages
    def save_model(self, request, obj, form, change):
        before = LiteracySurvey.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        if before and (before.organization_id, before.year) != (obj.organization_id, obj.year):
            services.literacy_feed(before.organization, before.year, None)
        services.literacy_feed(obj.organization, obj.year, obj)

    def delete_model(self, request, obj):
        organization, year = obj.organization, obj.year
        super().delete_model(request, obj)
        services.literacy_feed(organization, year, None)


@admin.register(Venue)
class VenueAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "kind", "status", "opened_on", "floor_area"]
    list_filter = ["kind", "status"]
    autocomplete_fields = ["organization"]
    search_fields = ["name", "organization__name"]

    def save_model(self, request, obj, form, change):
        before = Venue.objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        services.venue_coverage_feed(county=obj.organization)
        if before and before.organization_id != obj.organization_id:
            services.venue_coverage_feed(county=before.organization)

    def delete_model(self, request, obj):
        county = obj.organization
        super().delete_model(request, obj)
        services.venue_coverage_feed(county=county)


@admin.register(ScienceBase)
class ScienceBaseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "level", "recognised_year", "valid_until", "is_active"]
    list_filter = ["level", "is_active"]
    autocomplete_fields = ["organization"]
    search_fields = ["name", "theme"]


@admin.register(ScienceEvent)
class ScienceEventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organization", "kind", "starts_on", "attendance", "bilingual"]
    list_filter = ["kind", "bilingual"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["base"]
    search_fields = ["title", "location"]
    date_hierarchy = "starts_on"
