"""Routes of the reporting, period and work-item pages (namespace "tasks")."""

from django.urls import include, path

from .periods import views as period_views
from .reporting import rule_views, views

app_name = "tasks"

urlpatterns = [
    path("work/", views.MyWorkView.as_view(), name="my_work"),
    path(
        "assignments/<int:assignment_pk>/periods/<int:period_pk>/report/",
        views.ReportOpenView.as_view(),
        name="report_open",
    ),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", views.ReportEditView.as_view(), name="report_edit"),
    path("reports/<int:pk>/review/", views.ReportReviewView.as_view(), name="report_review"),
    path("reports/<int:pk>/correct/", views.ReportCorrectView.as_view(), name="report_correct"),
    path("reports/<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("review/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("review/approve/", views.BulkApproveView.as_view(), name="bulk_approve"),
    path("periods/<slug:code>/", period_views.PeriodListView.as_view(), name="period_list"),
    path(
        "periods/<slug:code>/generate/",
        period_views.PeriodGenerateView.as_view(),
        name="period_generate",
    ),
    path(
        "periods/deadline/<int:pk>/",
        period_views.PeriodDeadlineView.as_view(),
        name="period_deadline",
    ),
    path("periods/close/<int:pk>/", period_views.PeriodCloseView.as_view(), name="period_close"),
    path("rules/<slug:code>/", rule_views.RuleListView.as_view(), name="rule_list"),
    path("rules/indicator/<int:pk>/", rule_views.RuleEditView.as_view(), name="rule_edit"),
    path("", include("tasks.workitems.urls")),
]
