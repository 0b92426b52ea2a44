"""Knowledge that stays: workspace wiki pages with their full revision history, and articles."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lumoflow.core import limits


class WikiPage(models.Model):
    """A page of a workspace's wiki. Its text lives in its revisions; `current` is the last one.

    The slug is unique within the workspace; `parent` places the page in the workspace's tree
    (never in a cycle: `actions` refuse one). `source_post` is the accepted answer it was saved
    from, when it was ("save as knowledge").
    """

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="wiki_pages"
    )
    title = models.CharField(max_length=limits.WIKI_TITLE)
    slug = models.CharField(max_length=limits.WIKI_SLUG)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    current = models.ForeignKey(
        "WikiRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    source_post = models.ForeignKey(
        "conversation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="wiki_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class WikiRevision(models.Model):
    """One save of a page: its title and body as they were, who saved it and why."""

    page = models.ForeignKey(WikiPage, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=limits.WIKI_TITLE)
    body = models.TextField()
    summary = models.CharField(max_length=limits.REVISION_SUMMARY, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="wiki_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} r{self.number}"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Article(models.Model):
    """A long-form post by one person in a workspace. A draft is its author's alone; publishing
    posts it to the workspace (`post`), whose replies and reactions are the article's comments
    and reactions."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="articles"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=limits.ARTICLE_TITLE)
    summary = models.TextField(max_length=limits.ARTICLE_SUMMARY, blank=True)
    body = models.TextField()
    # Rendered and sanitised once, at write time (as posts are).
    body_html = models.TextField()
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    post = models.OneToOneField(
        "conversation.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title
