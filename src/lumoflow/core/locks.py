"""Named locks for rules that read many rows and then write one (check, then write).

A row lock guards a rule about rows one can name in advance. A rule about a chain of rows (no
manager cycle) is read along a path that another writer changes elsewhere: two people each
taking the other as manager read two chains that were both fine. Such writers take one named
lock first, held until their transaction ends, so the second reads after the first committed.
"""

from __future__ import annotations

import zlib

from django.db import connection


def hold(name: str) -> None:
    """Take the lock `name` until the current transaction ends; wait while another holds it.

    PostgreSQL: a transaction-level advisory lock. SQLite runs one writer at a time already
    (BEGIN IMMEDIATE), so there is nothing to take. Call inside `transaction.atomic`.
    """
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError(f"lock {name!r} taken outside a transaction would end at once")
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
