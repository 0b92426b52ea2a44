"""Side effects that run after the write's transaction commits (notifications, index, e-mail)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction

Subscriber = Callable[..., None]
_SUBSCRIBERS: dict[str, list[Subscriber]] = {}


def subscribe(topic: str, fn: Subscriber) -> None:
    """Register `fn` to run after commit whenever `topic` is published."""
    if fn not in _SUBSCRIBERS.setdefault(topic, []):
        _SUBSCRIBERS[topic].append(fn)


def publish(topic: str, **payload: Any) -> None:
    """Run every subscriber of `topic` once the current transaction commits."""
    for fn in list(_SUBSCRIBERS.get(topic, [])):
        transaction.on_commit(functools.partial(fn, **payload))
