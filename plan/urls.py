from django.urls import path

from . import views

app_name = "plan"

urlpatterns = [
    path("", views.plan_detail, name="plan_current"),
    path("tasks/<int:number>/", views.key_task_detail, name="key_task_current"),
    path("<slug:code>/", views.plan_detail, name="plan_detail"),
    path("<slug:code>/tasks/<int:number>/", views.key_task_detail, name="key_task_detail"),
]
