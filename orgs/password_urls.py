"""Routes of self-service password change and reset (no namespace: Django's auth views reverse
these names as they are)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
