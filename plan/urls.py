"""Routes of the plan pages (namespace "plan")."""

from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.PlanDetailView.as_view(), name="plan_current"),
    path("tasks/<int:number>/", views.KeyTaskDetailView.as_view(), name="key_task_current"),
    path("<slug:code>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path(
        "<slug:code>/tasks/<int:number>/", views.KeyTaskDetailView.as_view(), name="key_task_detail"
    ),
]
