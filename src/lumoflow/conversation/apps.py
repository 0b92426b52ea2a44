from django.apps import AppConfig


class ConversationConfig(AppConfig):
    name = "lumoflow.conversation"
    label = "conversation"
