"""URL map: pages, the API under /api/v1, admin, health."""

from django.contrib import admin
from django.urls import include, path

from lumoflow.api.urls import api
from lumoflow.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("hello", core_views.hello, name="hello"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("lumoflow.people.urls")),
    path("", include("lumoflow.workspaces.urls")),
    path("", include("lumoflow.conversation.urls")),
    path("", core_views.home, name="home"),
]
