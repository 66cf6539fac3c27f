"""Routes of the work-item and assignment pages and the Excel import (namespace "tasks")."""

from django.urls import path

from . import views

urlpatterns = [
    path("work-items/", views.WorkItemListView.as_view(), name="work_item_list"),
    path("work-items/new/", views.WorkItemCreateView.as_view(), name="work_item_create"),
    path("work-items/import/", views.WorkItemImportView.as_view(), name="work_item_import"),
    path(
        "work-items/import/template.xlsx",
        views.WorkItemImportTemplateView.as_view(),
        name="work_item_import_template",
    ),
    path("work-items/<int:pk>/", views.WorkItemDetailView.as_view(), name="work_item_detail"),
    path("work-items/<int:pk>/edit/", views.WorkItemEditView.as_view(), name="work_item_edit"),
    path(
        "work-items/<int:pk>/assignments/",
        views.AssignmentSaveView.as_view(),
        name="assignment_save",
    ),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment_detail"),
    path(
        "assignments/<int:pk>/delete/",
        views.AssignmentDeleteView.as_view(),
        name="assignment_delete",
    ),
]
