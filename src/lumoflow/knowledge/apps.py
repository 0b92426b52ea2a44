from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "lumoflow.knowledge"
    label = "knowledge"
