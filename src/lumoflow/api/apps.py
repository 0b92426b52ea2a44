from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lumoflow.api"
    label = "api"
