from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from qhsta import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="plan:plan_current"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plan/", include("plan.urls")),
    path("admin/", admin.site.urls),
]
