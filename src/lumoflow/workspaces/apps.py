from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "lumoflow.workspaces"
    label = "workspaces"
