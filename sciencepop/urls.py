"""Routes of the science-popularisation pages (namespace "sciencepop")."""

from django.urls import path

from . import views

app_name = "sciencepop"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("surveys/", views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/new/", views.SurveyFormView.as_view(), name="survey_create"),
    path("surveys/import/", views.SurveyImportView.as_view(), name="survey_import"),
    path(
        "surveys/import/template.xlsx",
        views.SurveyTemplateView.as_view(),
        name="survey_template",
    ),
    path("surveys/<int:pk>/", views.SurveyFormView.as_view(), name="survey_edit"),
    path("surveys/<int:pk>/delete/", views.SurveyDeleteView.as_view(), name="survey_delete"),
    path("venues/", views.VenueListView.as_view(), name="venue_list"),
    path("venues/new/", views.VenueFormView.as_view(), name="venue_create"),
    path("venues/import/", views.VenueImportView.as_view(), name="venue_import"),
    path("venues/import/template.xlsx", views.VenueTemplateView.as_view(), name="venue_template"),
    path("venues/<int:pk>/", views.VenueFormView.as_view(), name="venue_edit"),
    path("venues/<int:pk>/delete/", views.VenueDeleteView.as_view(), name="venue_delete"),
    path("bases/", views.BaseListView.as_view(), name="base_list"),
    path("bases/new/", views.BaseFormView.as_view(), name="base_create"),
    path("bases/<int:pk>/", views.BaseFormView.as_view(), name="base_edit"),
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventFormView.as_view(), name="event_create"),
    path("events/<int:pk>/", views.EventFormView.as_view(), name="event_edit"),
    path("events/<int:pk>/delete/", views.EventDeleteView.as_view(), name="event_delete"),
]
