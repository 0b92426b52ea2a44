from django.apps import AppConfig


class MeasureConfig(AppConfig):
    name = "lumoflow.measure"
    label = "measure"
