"""Reads of the activity log for the platform itself (not analytics: those read the export)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db import connection

from .models import ActivityEvent


@functools.cache
def _marks_sql(workspaces: int) -> str:
    """The latest change in each of `workspaces` workspaces (ids as parameters), then outside."""
    t = connection.ops.quote_name(ActivityEvent._meta.db_table)
    # `NOT (verb = 'view')` as written in the partial index `activity_changes`, so both
    # SQLite and PostgreSQL answer each with one step into that index.
    latest = f"(SELECT id FROM {t} WHERE {{}} AND NOT (verb = 'view') ORDER BY id DESC LIMIT 1)"
    return "SELECT " + ", ".join(
        [latest.format("workspace_id = %s")] * workspaces + [latest.format("workspace_id IS NULL")]
    )


def change_marks(workspace_id: int) -> tuple[int, int]:
    """(latest change in the workspace, latest change outside any workspace), as event ids.

    Every write records an event in its transaction (one write path), so a page built from a
    workspace's data is current as long as these two numbers have not moved: a profile edit,
    outside any workspace, changes names shown everywhere.
    """
    inside, outside = change_marks_of([workspace_id])
    return inside[int(workspace_id)], outside


def change_marks_of(workspace_ids: Iterable[int]) -> tuple[dict[int, int], int]:
    """`change_marks` for several workspaces at once: ({workspace id: latest change}, outside)."""
    ids = sorted({int(w) for w in workspace_ids})
    with connection.cursor() as cur:
        cur.execute(_marks_sql(len(ids)), ids)
        *inside, outside = cur.fetchone()
    return {w: int(m or 0) for w, m in zip(ids, inside, strict=True)}, int(outside or 0)
