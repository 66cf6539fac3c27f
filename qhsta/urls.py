"""The portal's root URLs: each app's routes, the API, its schema and docs, login, health check, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from qhsta import views
from qhsta.api import views as api_views
from qhsta.scoping.views import scope_exempt

urlpatterns = [
    path(
        "",
        scope_exempt("a redirect")(RedirectView.as_view(pattern_name="plan:plan_current")),
        name="home",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path(
        "accounts/logout/",
        scope_exempt("ends the session")(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path("accounts/password/", include("orgs.password_urls")),
    path("i18n/setlang/", scope_exempt("sets the language")(set_language), name="set_language"),
    path("public/", include("plan.public_urls")),
    path("plan/", include("plan.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("", include("orgs.urls")),
    path("", include("tasks.urls")),
    path("sciencepop/", include("sciencepop.urls")),
    path("thinktank/", include("thinktank.urls")),
    path("societies/", include("societies.urls")),
    path("api/v1/", include("qhsta.api_urls")),
    path("api/schema/", api_views.SchemaView.as_view(), name="api_schema"),
    path("api/docs/", api_views.ApiDocsView.as_view(), name="api_docs"),
    path("admin/", admin.site.urls),
]

# Errors raised outside a view of the API (no route, a malformed request) answer the API's JSON
# error shape under /api/ and the portal's pages elsewhere.
handler400 = "qhsta.views.bad_request"
handler404 = "qhsta.views.page_not_found"
handler500 = "qhsta.views.server_error"
