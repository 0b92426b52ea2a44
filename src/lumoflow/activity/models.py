"""The append-only activity log: one row per thing a person did, the source of every metric."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Verb(models.TextChoices):
    """Verbs of the canonical interaction log (DESIGN.md, format 1), plus platform-only ones."""

    POST = "post"
    REPLY = "reply"
    REACTION = "reaction"
    MENTION = "mention"
    MESSAGE = "message"
    VIEW = "view"
    JOIN = "join"
    LEAVE = "leave"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    EDIT = "edit"
    DELETE = "delete"
    HIDE = "hide"
    ACCEPT_ANSWER = "accept_answer"
    IDEA_STATUS = "idea_status"
    DECISION = "decision"
    KNOWLEDGE_SAVED = "knowledge_saved"
    WIKI_EDIT = "wiki_edit"
    ARTICLE = "article"
    CHECK_IN = "check_in"
    OBJECTIVE = "objective"
    # Platform administration; exported to the log only where the log has a verb for it.
    WORKSPACE = "workspace"
    MEMBERSHIP = "membership"
    PROFILE = "profile"
    TOKEN = "token"
    PERSON = "person"


class ActivityEvent(models.Model):
    """One recorded action. Written only by `activity.record`, inside the action's transaction."""

    ts = models.DateTimeField(db_index=True)
    day = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activity"
    )
    verb = models.CharField(max_length=20, choices=Verb.choices)
    workspace = models.ForeignKey(
        "workspaces.Workspace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity",
    )
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    parent_id = models.CharField(max_length=64, blank=True)
    thread_id = models.CharField(max_length=64, blank=True)
    target_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            # Reads are rolled up: at most one view per person, object and day.
            models.UniqueConstraint(
                fields=["actor", "object_type", "object_id", "day"],
                condition=models.Q(verb="view"),
                name="activity_one_view_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "ts"]),
            models.Index(fields=["verb", "ts"]),
        ]

    def __str__(self) -> str:
        obj = f"{self.object_type}:{self.object_id}"
        return f"{self.ts:%Y-%m-%d %H:%M} {self.actor_id} {self.verb} {obj}"
