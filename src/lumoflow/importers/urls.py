"""Pages of "Measure an export"."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("org/measure", views.measure, name="org_measure"),
    path("org/measure/<int:measurement_id>", views.measurement, name="org_measurement"),
    path(
        "org/measure/<int:measurement_id>/report.html",
        views.full_report,
        name="org_measurement_report",
    ),
    path("org/measure/<int:measurement_id>/load", views.load, name="org_measurement_load"),
    path("org/measure/<int:measurement_id>/delete", views.delete, name="org_measurement_delete"),
]
