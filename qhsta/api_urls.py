"""/api/v1/: one line per app's resources (each app's api/urls.py registers its own)."""

from django.urls import include, path

urlpatterns = [
    path("", include("qhsta.api.urls")),  # auth/token/, auth/tokens/
    path("", include("orgs.api.urls")),
    path("", include("plan.api.urls")),
    path("", include("tasks.api.urls")),
    path("", include("sciencepop.api.urls")),
    path("", include("thinktank.api.urls")),
    path("", include("societies.api.urls")),
]
