from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lumoflow.notifications"
    label = "notifications"

    def ready(self) -> None:
        from lumoflow.core.oncommit import subscribe

        from .actions import notify_conversation, raise_alerts

        subscribe("conversation", notify_conversation)
        # Published by measure after a workspace's metrics are stored (measure sits above the
        # apps: it publishes, notifications never imports it).
        subscribe("metrics.refreshed", raise_alerts)
