from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lumoflow.notifications"
    label = "notifications"

    def ready(self) -> None:
        from lumoflow.core.oncommit import subscribe

        from .actions import notify_conversation

        subscribe("conversation", notify_conversation)
