from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lumoflow.core"
    label = "core"
