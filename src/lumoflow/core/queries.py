"""Reads of what core keeps: answers remembered for idempotency keys, origins of imported
objects."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import IdempotencyKey, ImportOrigin


def key_lifetime() -> timedelta:
    """How long an answer is replayed for its key (`LUMOFLOW_IDEMPOTENCY_KEY_HOURS`)."""
    return timedelta(hours=float(settings.LUMOFLOW_IDEMPOTENCY_KEY_HOURS))


def find_answer(user_id: int, key: str) -> IdempotencyKey | None:
    """The answer remembered for this person's key, unless it has expired."""
    since = timezone.now() - key_lifetime()
    return IdempotencyKey.objects.filter(user_id=user_id, key=key, created_at__gt=since).first()


def known_origins(source: str, kind: str, original_ids: list[str]) -> dict[str, int]:
    """original id -> object id of the objects of ``kind`` already imported from ``source``."""
    found: dict[str, int] = {}
    ids = sorted(set(original_ids))
    for i in range(0, len(ids), 900):
        found.update(
            ImportOrigin.objects.filter(
                source=source, kind=kind, original_id__in=ids[i : i + 900]
            ).values_list("original_id", "object_id")
        )
    return found
