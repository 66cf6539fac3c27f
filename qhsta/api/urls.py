"""API routes of the API's house: obtaining, listing and revoking tokens."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import TokenObtainView, TokenViewSet

router = SimpleRouter()
router.register("auth/tokens", TokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token-obtain"),
    *router.urls,
]
