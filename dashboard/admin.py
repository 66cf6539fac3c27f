"""Admin of the dashboard's settings: the indicator path thresholds per plan."""

from django.contrib import admin

from .models import PathSettings


@admin.register(PathSettings)
class PathSettingsAdmin(admin.ModelAdmin):
    list_display = ["plan", "at_risk_shortfall", "off_track_shortfall"]
