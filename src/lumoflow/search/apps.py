from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lumoflow.search"
    label = "search"
