"""What core keeps in the database: the change marks behind every cached page (`core.marks`) and
the answers to requests sent with an idempotency key."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChangeMark(models.Model):
    """The current version of one scope of data (`core.marks`): a number that changes, in the
    writing transaction, whenever anything in the scope changes. Scope -1 holds the database's
    epoch, which a flush, a migration or a restore replaces."""

    scope = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"


class IdempotencyKey(models.Model):
    """The answer given to one person's request sent with an `Idempotency-Key` header, kept so
    that a retry with the same key gets the same answer instead of a second write. Stored in the
    transaction of the write it answers (`core.actions.remember_answer`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"


class ImportOrigin(models.Model):
    """Where an imported object came from: the export's format (``slack``, ...), the kind of
    object (``workspace``, ``person``, ``post``) and its id in that export. Importing the same
    export twice finds every object here and adds nothing; a later export adds only the new.
    Written by `core.actions.mark_origins` in the transaction of the import."""

    source = models.CharField(max_length=40)
    kind = models.CharField(max_length=20)
    original_id = models.CharField(max_length=500)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "original_id"], name="import_origin_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.original_id} -> {self.object_id}"
