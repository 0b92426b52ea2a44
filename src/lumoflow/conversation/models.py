"""Posts of five kinds, threaded replies, reactions, mentions, hashtags, follows, attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lumoflow.core import limits

EMOJIS = ("👍", "❤️", "🎉", "💡", "✅", "👀")


class Kind(models.TextChoices):
    UPDATE = "update", "Update"
    QUESTION = "question", "Question"
    IDEA = "idea", "Idea"
    DECISION = "decision", "Decision"
    ANNOUNCEMENT = "announcement", "Announcement"


class IdeaStatus(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    ADOPTED = "adopted", "Adopted"
    DECLINED = "declined", "Declined"


class Post(models.Model):
    """A root post (no parent, no thread) or a reply (thread = root, parent = what it answers)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="thread_replies"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.UPDATE, blank=True)
    body = models.TextField()
    # Rendered and sanitised once, at write time, so feeds do no Markdown work.
    body_html = models.TextField()
    objective = models.ForeignKey(
        "workspaces.Objective", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=limits.HIDDEN_REASON, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    accepted_answer = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idea_status = models.CharField(max_length=20, choices=IdeaStatus.choices, blank=True)
    idea_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True, thread__isnull=True)
                | models.Q(parent__isnull=False, thread__isnull=False),
                name="post_reply_has_thread",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "parent", "created_at", "id"], name="post_ws_feed"),
            models.Index(fields=["parent", "created_at", "id"], name="post_root_feed"),
            models.Index(fields=["author", "created_at"], name="post_author"),
            models.Index(fields=["thread", "created_at"], name="post_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} by {self.author_id}"

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class PostRevision(models.Model):
    """A previous body of an edited post (the edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id} at {self.replaced_at}"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=16)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "emoji"], name="reaction_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on {self.post_id}"


class Mention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="mention_unique"),
        ]

    def __str__(self) -> str:
        return f"@{self.user_id} in {self.post_id}"


class Hashtag(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="hashtags")
    tag = models.CharField(max_length=limits.HASHTAG)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="hashtag_unique")]
        indexes = [models.Index(fields=["tag", "post"])]

    def __str__(self) -> str:
        return f"#{self.tag}"


class Follow(models.Model):
    """The follower follows either a person or a workspace."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, workspace__isnull=False)
                | models.Q(person__isnull=False, workspace__isnull=True),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["follower", "person"],
                condition=models.Q(person__isnull=False),
                name="follow_person_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "workspace"],
                condition=models.Q(workspace__isnull=False),
                name="follow_workspace_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.person_id or self.workspace_id}"


class Attachment(models.Model):
    """A file on a post, served only to people who can read the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    # Images only (core.images): their size upright, and a thumbnail shown in the post.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to="attachments/thumbs/%Y/%m/", blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
