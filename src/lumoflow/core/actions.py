"""What core writes: the answers remembered for idempotency keys, and the origins of imported
objects."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .errors import Conflict
from .models import IdempotencyKey, ImportOrigin
from .queries import key_lifetime


class KeyTaken(Conflict):
    """Another request with the same key committed first."""


def remember_answer(
    user_id: int, key: str, *, fingerprint: str, status: int, content_type: str, body: str
) -> None:
    """Keep the answer to a person's request under its key, in the transaction of the write it
    answers (so a crash keeps both or neither); expired keys of the person are dropped first.

    Raises KeyTaken when a request with the same key committed in the meantime: the caller
    rolls its write back and answers with the stored one."""
    if not connection.in_atomic_block:
        raise RuntimeError("an answer is remembered in the transaction of its write")
    now = timezone.now()
    IdempotencyKey.objects.filter(user_id=user_id, created_at__lte=now - key_lifetime()).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                status=status,
                content_type=content_type,
                body=body,
                created_at=now,
            )
    except IntegrityError:
        raise KeyTaken(f"Another request with the Idempotency-Key '{key}' came first.") from None


def mark_origins(source: str, kind: str, pairs: list[tuple[str, int]]) -> None:
    """Remember that each (original id, object id) of ``pairs`` came from ``source``.

    Called by the import actions inside their transaction (so a failed import marks nothing)."""
    if not connection.in_atomic_block:
        raise RuntimeError("origins are marked in the transaction of the import")
    now = timezone.now()
    ImportOrigin.objects.bulk_create(
        [
            ImportOrigin(source=source, kind=kind, original_id=o, object_id=i, created_at=now)
            for o, i in pairs
        ],
        batch_size=2000,
    )
