"""URL map: pages, the API under /api/v1, admin, health."""

from django.contrib import admin
from django.urls import include, path, re_path

from lumoflow.api.urls import api
from lumoflow.conversation import views as conversation_views
from lumoflow.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("hello", core_views.hello, name="hello"),
    path("api/v1/", api.urls),
    re_path(r"^api/", core_views.api_not_found),
    path("admin/", admin.site.urls),
    path("", include("lumoflow.people.urls")),
    path("", include("lumoflow.workspaces.urls")),
    path("", include("lumoflow.conversation.urls")),
    path("", include("lumoflow.knowledge.urls")),
    path("", include("lumoflow.measure.urls")),
    path("", include("lumoflow.importers.urls")),
    path("", include("lumoflow.search.urls")),
    path("", conversation_views.home, name="home"),
]
