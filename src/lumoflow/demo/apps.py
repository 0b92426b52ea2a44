from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lumoflow.demo"
    label = "demo"
