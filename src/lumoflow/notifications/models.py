"""In-app notifications, per-type mutes, and alerts about a workspace's health."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lumoflow.core import limits


class Type(models.TextChoices):
    MENTION = "mention", "Someone mentions me"
    REPLY = "reply", "A reply to my post"
    THREAD = "thread", "A reply in a thread I take part in"
    ACCEPTED = "accepted", "My reply is accepted as the answer"
    IDEA_STATUS = "idea_status", "A status change on my idea"
    ALERT = "alert", "A workspace I own needs attention (fading, a target missed)"


LABELS: dict[str, str] = {
    Type.MENTION: "mentioned you",
    Type.REPLY: "replied to your post",
    Type.THREAD: "replied in a thread you take part in",
    Type.ACCEPTED: "accepted your reply as the answer",
    Type.IDEA_STATUS: "changed the status of your idea",
    Type.ALERT: "needs attention",
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    type = models.CharField(max_length=20, choices=Type.choices)
    # None for what no person did (an alert raised by the metrics).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    post = models.ForeignKey(
        "conversation.Post", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    alert = models.ForeignKey(
        "Alert", on_delete=models.CASCADE, related_name="+", null=True, blank=True
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


class AlertKind(models.TextChoices):
    FADING = "fading", "Activity is fading"
    TARGET = "target", "A target missed two weeks running"


class Alert(models.Model):
    """A condition of a workspace's health that its owners should act on: the verdict turned to
    fading, or a target was missed two weeks running. One open alert per condition (workspace,
    kind, metric): it closes when a later refresh no longer shows the condition, and a new one
    opens if the condition comes back. Written only by `actions`."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    # The series the condition is about: "active_contributors" for fading, else a target's key.
    metric = models.CharField(max_length=40)
    summary = models.TextField()  # what changed, in words
    since = models.DateField()  # since when
    evidence = models.JSONField(default=list)  # sentences of the engine's evidence
    actions = models.JSONField(default=list)  # suggested actions: rule, kind, text, evidence
    raised_at = models.DateTimeField()
    computed_at = models.DateTimeField()  # when the metrics that raised it were computed
    closed_at = models.DateTimeField(null=True, blank=True)
    acted_on_at = models.DateTimeField(null=True, blank=True)
    acted_on_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    note = models.TextField(blank=True, max_length=limits.ALERT_NOTE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "metric"],
                condition=models.Q(closed_at=None),
                name="alert_one_open_per_condition",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "raised_at"], name="alert_by_workspace")]

    def __str__(self) -> str:
        return f"{self.kind} {self.metric} in {self.workspace_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Digest(models.TextChoices):
    """The e-mailed digests (composed and sent by `measure.digests`)."""

    WEEKLY = "weekly", "Weekly digest of the workspaces I own"
    MONTHLY = "monthly", "Monthly digest of the organisation (executives)"


#: A digest named in a sentence ("Stop sending the … to …").
DIGEST_NAMES: dict[str, str] = {
    Digest.WEEKLY: "weekly digest of your workspaces",
    Digest.MONTHLY: "monthly digest of the organisation",
}


class DigestOptOut(models.Model):
    """A person does not want a digest (unsubscribed by its e-mailed link or in their profile).
    Written only by `actions.set_digest`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=10, choices=Digest.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="digest_opt_out_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} takes no {self.digest} digest"
