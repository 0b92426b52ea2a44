"""Search documents: one row per searchable object, written by `lumoflow.search.index`.

The engine's index follows this table in the same transaction: on SQLite the FTS5 table
`search_fts` (external content, kept in step by triggers on this table), on PostgreSQL the
generated `tsv` column with its GIN index (both made by migration 0001, outside the model).
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    POST = "post", "Post"
    REPLY = "reply", "Reply"
    WIKI = "wiki", "Wiki page"
    ARTICLE = "article", "Article"
    PERSON = "person", "Person"
    WORKSPACE = "workspace", "Workspace"


class Document(models.Model):
    """What search finds of one object. `workspace_id` decides who may read it (see
    `search.queries`); people have none."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    workspace_id = models.BigIntegerField(null=True)
    author_id = models.BigIntegerField(null=True)
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_object"),
        ]
        indexes = [
            models.Index(fields=["workspace_id", "kind"], name="search_doc_ws"),
            models.Index(fields=["author_id"], name="search_doc_author"),
            models.Index(fields=["created_at"], name="search_doc_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
