"""Routes of the dashboard, drill-down, export and evaluation pages (namespace "dashboard")."""

from django.urls import path

from . import evaluation, exports, views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="home"),
    path("orgs/<slug:code>/", views.DashboardView.as_view(), name="organization"),
    path(
        "orgs/<slug:code>/assignments/",
        views.OrganizationAssignmentsView.as_view(),
        name="organization_assignments",
    ),
    path("groups/<int:pk>/", views.GroupView.as_view(), name="group"),
    path("tasks/<int:pk>/", views.TaskView.as_view(), name="task"),
    path("work-items/<int:pk>/", views.WorkItemView.as_view(), name="work_item"),
    path("indicators/<int:pk>/", views.IndicatorView.as_view(), name="indicator"),
    path("lagging/", views.LaggingView.as_view(), name="lagging"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("export/<slug:table>.xlsx", exports.ExportView.as_view(), name="export"),
    path("evaluation/", evaluation.EvaluationView.as_view(), name="evaluation"),
    path("evaluation.pdf", evaluation.EvaluationPdfView.as_view(), name="evaluation_pdf"),
]
