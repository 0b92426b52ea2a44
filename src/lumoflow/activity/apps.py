from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "lumoflow.activity"
    label = "activity"
