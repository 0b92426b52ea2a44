"""Reads of what core keeps: answers remembered for idempotency keys."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import IdempotencyKey


def key_lifetime() -> timedelta:
    """How long an answer is replayed for its key (`LUMOFLOW_IDEMPOTENCY_KEY_HOURS`)."""
    return timedelta(hours=float(settings.LUMOFLOW_IDEMPOTENCY_KEY_HOURS))


def find_answer(user_id: int, key: str) -> IdempotencyKey | None:
    """The answer remembered for this person's key, unless it has expired."""
    since = timezone.now() - key_lifetime()
    return IdempotencyKey.objects.filter(user_id=user_id, key=key, created_at__gt=since).first()
