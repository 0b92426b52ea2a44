"""In-app notifications and per-type mutes."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Type(models.TextChoices):
    MENTION = "mention", "Someone mentions me"
    REPLY = "reply", "A reply to my post"
    THREAD = "thread", "A reply in a thread I take part in"
    ACCEPTED = "accepted", "My reply is accepted as the answer"
    IDEA_STATUS = "idea_status", "A status change on my idea"


LABELS: dict[str, str] = {
    Type.MENTION: "mentioned you",
    Type.REPLY: "replied to your post",
    Type.THREAD: "replied in a thread you take part in",
    Type.ACCEPTED: "accepted your reply as the answer",
    Type.IDEA_STATUS: "changed the status of your idea",
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=20, choices=Type.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        "conversation.Post", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "created_at", "id"], name="notification_list"),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.recipient_id}"

    @property
    def label(self) -> str:
        """What happened, after the actor's name: "Olivia mentioned you"."""
        return LABELS.get(self.type, self.type)


class Mute(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "type"], name="mute_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.type}"
