"""Pages of measurement."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import alerts, insights

urlpatterns: list[URLPattern] = [
    path("me/insights", insights.insights, name="insights"),
    path("alerts/<int:alert_id>", alerts.alert, name="alert"),
]
