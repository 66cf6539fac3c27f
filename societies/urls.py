"""Routes of the societies' pages (namespace "societies")."""

from django.urls import path

from . import views

app_name = "societies"

urlpatterns = [
    path("", views.SocietyListView.as_view(), name="society_list"),
    path("new/", views.SocietyRegisterView.as_view(), name="society_register"),
    path(
        "council-list-template.xlsx",
        views.CouncilTemplateView.as_view(),
        name="council_import_template",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluations/<int:pk>/", views.EvaluationDetailView.as_view(), name="evaluation_detail"),
    path(
        "evaluations/<int:pk>/criteria/",
        views.CriterionAddView.as_view(),
        name="criterion_add",
    ),
    path(
        "evaluations/<int:pk>/close/", views.EvaluationCloseView.as_view(), name="evaluation_close"
    ),
    path("criteria/<int:pk>/delete/", views.CriterionDeleteView.as_view(), name="criterion_delete"),
    path("terms/<int:pk>/", views.TermDetailView.as_view(), name="term_detail"),
    path("terms/<int:pk>/edit/", views.TermEditView.as_view(), name="term_edit"),
    path("terms/<int:pk>/members/", views.MemberAddView.as_view(), name="member_add"),
    path("terms/<int:pk>/import/", views.CouncilImportView.as_view(), name="council_import"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member_delete"),
    path("conferences/<int:pk>/edit/", views.ConferenceEditView.as_view(), name="conference_edit"),
    path("journals/<int:pk>/edit/", views.JournalEditView.as_view(), name="journal_edit"),
    path(
        "conferences/<int:pk>/delete/",
        views.ConferenceDeleteView.as_view(),
        name="conference_delete",
    ),
    path("journals/<int:pk>/delete/", views.JournalDeleteView.as_view(), name="journal_delete"),
    path("<slug:code>/", views.SocietyDetailView.as_view(), name="society_detail"),
    path("<slug:code>/edit/", views.SocietyEditView.as_view(), name="society_edit"),
    path("<slug:code>/status/", views.SocietyStatusView.as_view(), name="society_status"),
    path("<slug:code>/terms/new/", views.TermCreateView.as_view(), name="term_create"),
    path(
        "<slug:code>/conferences/new/",
        views.ConferenceCreateView.as_view(),
        name="conference_create",
    ),
    path("<slug:code>/journals/new/", views.JournalCreateView.as_view(), name="journal_create"),
]
