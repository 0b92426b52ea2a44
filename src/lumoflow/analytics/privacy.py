"""The privacy guard (DESIGN.md rule 4).

Every group figure carries the number of people behind it; a group under ``min_group_size``
(default 5, ``LUMOFLOW_MIN_GROUP_SIZE``) is suppressed: its value becomes ``None`` (JSON ``null``),
never a small number. Individual-level results are pseudonymised unless names are asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DEFAULT_MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class Guarded:
    """A group's figure: ``value`` is ``None`` when ``suppressed`` (fewer than the threshold).

    Examples
    --------
    >>> guard(0.5, 7, 5)
    Guarded(value=0.5, people=7, suppressed=False)
    >>> guard(0.5, 3, 5)
    Guarded(value=None, people=3, suppressed=True)
    """

    value: float | None
    people: int
    suppressed: bool


def guard(value: float | None, people: int, min_group_size: int) -> Guarded:
    """Return ``value`` guarded: suppressed when ``people < min_group_size``."""
    if people < min_group_size:
        return Guarded(None, int(people), True)
    if value is not None and value == value:  # NaN stays None
        return Guarded(float(value), int(people), False)
    return Guarded(None, int(people), False)


def pseudonym(actor: str, key: str) -> str:
    """Stable pseudonym of ``actor`` under ``key`` (keyed BLAKE2b, 10 hex digits).

    >>> pseudonym("ann@example.com", "k") == pseudonym("ann@example.com", "k")
    True
    """
    digest = hashlib.blake2b(actor.encode(), key=key.encode()[:64], digest_size=5).hexdigest()
    return f"person-{digest}"
