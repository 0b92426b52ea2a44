from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("workspaces", views.directory, name="directory"),
    path("workspaces/new", views.create, name="create"),
    path("workspaces/<int:workspace_id>", views.detail, name="detail"),
    path("workspaces/<int:workspace_id>/settings", views.settings_page, name="settings"),
    path("workspaces/<int:workspace_id>/join", views.join, name="join"),
    path("workspaces/<int:workspace_id>/purpose", views.set_purpose, name="purpose"),
    path("workspaces/<int:workspace_id>/leave", views.leave, name="leave"),
    path("workspaces/<int:workspace_id>/members", views.members, name="members"),
    path("workspaces/<int:workspace_id>/archive", views.archive, name="archive"),
    path("workspaces/<int:workspace_id>/objectives/new", views.new_objective, name="new_objective"),
    path("key-results/<int:key_result_id>/check-in", views.check_in, name="check_in"),
]
