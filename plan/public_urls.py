"""The public page of the published headline indicators (/public/, no login), outside the plan's namespace."""

from django.urls import path

from .views import PublicIndicatorListView

urlpatterns = [
    path("", PublicIndicatorListView.as_view(), name="public_indicators"),
]
