from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lumoflow.notifications"
    label = "notifications"
