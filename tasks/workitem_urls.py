"""Routes of the work-item and assignment pages (filled in by the work-item pages)."""

urlpatterns: list = []
