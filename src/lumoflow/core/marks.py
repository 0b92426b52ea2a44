"""Change marks: one version per scope of data, read before a page reads the data it caches.

A page body cached under the versions of the scopes it shows is current as long as those versions
have not changed (`core.fragments`). The rules that make this hold:

- Every write bumps the version of each scope it changes, in its own transaction, under a row
  lock (`bump`: an upsert, which on PostgreSQL holds the row until commit). Two writers to one
  scope therefore commit in the order they bumped it: a version never stands for less data than
  a version read before it (ids from a sequence do not have this property: PostgreSQL hands
  them out before commit, so a later id can commit first).
- A new version is a fresh random number, not the old one plus one: a rolled-back write, a test
  run inside a rolled-back transaction or a restored backup can bring old data back, never an old
  version with other data behind it.
- Readers read the marks first, then the data (statements see what committed before them, so
  the data is at least as new as the marks; a body built after a later commit is stored under
  the older marks, where nobody reads it once they moved).
- The database's epoch (scope -1) is part of every key: a flush (`lumoflow demo --force`), a
  migration or a restore replaces it (`new_epoch`), so ids reused after a reset never meet the
  bodies of the ids before. While it is missing (just after a flush) nothing is cached.

Core knows scopes as numbers only; `activity.record` bumps them (a workspace's id, or 0 for
outside any workspace), so every action moves the marks of what it changed.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, connections

from .models import ChangeMark

__all__ = ["EPOCH", "ChangeMark", "Marks", "bump", "new_epoch", "read"]

EPOCH = -1
_SMALLEST, _LARGEST = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class Marks:
    """The versions of some scopes, read together, and the database's epoch (None: missing,
    so nothing may be cached)."""

    epoch: int | None
    versions: tuple[tuple[int, int], ...]

    def of(self, scope: int) -> int:
        """The version of `scope` (0 when it has never changed)."""
        return dict(self.versions).get(scope, 0)


def _table() -> str:
    return connection.ops.quote_name(ChangeMark._meta.db_table)


@functools.cache
def _read_sql(scopes: int) -> str:
    marks = ", ".join(["%s"] * (scopes + 1))
    return f"SELECT scope, version FROM {_table()} WHERE scope IN ({marks})"  # noqa: S608


def read(scopes: Iterable[int]) -> Marks:
    """The current versions of `scopes` and the epoch, in one statement."""
    # A scope past the column's range (an id typed into an address) has no row: it reads as 0.
    wanted = sorted({s for s in map(int, scopes) if _SMALLEST <= s <= _LARGEST})
    with connection.cursor() as cur:
        cur.execute(_read_sql(len(wanted)), [EPOCH, *wanted])
        found = dict(cur.fetchall())
    epoch = found.pop(EPOCH, None)
    return Marks(epoch, tuple((s, int(found.get(s, 0))) for s in wanted if s != EPOCH))


@functools.cache
def _bump_sql() -> str:
    return (
        f"INSERT INTO {_table()} (scope, version) VALUES (%s, %s) "  # noqa: S608
        "ON CONFLICT (scope) DO UPDATE SET version = excluded.version"
    )


def bump(scopes: Iterable[int]) -> None:
    """Give each of `scopes` a new version, in the caller's transaction (its row stays locked
    until commit). Scopes are taken in order, so two writers never wait on each other crosswise."""
    rows = [(s, secrets.randbits(62) + 1) for s in sorted({int(s) for s in scopes})]
    if rows:
        with connection.cursor() as cur:
            cur.executemany(_bump_sql(), rows)


def new_epoch(using: str = "default") -> None:
    """Replace the database's epoch: after a flush, a migration or a restore."""
    with connections[using].cursor() as cur:
        cur.execute(_bump_sql(), [EPOCH, secrets.randbits(62) + 1])
