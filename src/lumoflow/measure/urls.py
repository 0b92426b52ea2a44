"""Pages of measurement."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import alerts, health, insights, org, people

urlpatterns: list[URLPattern] = [
    path("me/insights", insights.insights, name="insights"),
    path("org", org.portfolio, name="org_portfolio"),
    path("org/network", org.network, name="org_network"),
    path("org/report", org.report, name="org_report"),
    path("org/trends", org.trends, name="org_trends"),
    path("org/value-assumptions", org.value_settings, name="org_value_assumptions"),
    path("alerts/<int:alert_id>", alerts.alert, name="alert"),
    path("workspaces/<int:workspace_id>/health", health.page, name="workspace_health"),
    path(
        "workspaces/<int:workspace_id>/health/charts/<slug:name>.svg",
        health.chart_svg,
        name="workspace_health_chart",
    ),
    path(
        "workspaces/<int:workspace_id>/people-analytics",
        people.page,
        name="workspace_people_analytics",
    ),
    path(
        "workspaces/<int:workspace_id>/health/refresh",
        health.refresh,
        name="workspace_health_refresh",
    ),
]
