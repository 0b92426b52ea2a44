"""Reads of the activity log for the platform itself (not analytics: those read the export)."""

from __future__ import annotations

from django.db import connection

from .models import ActivityEvent

_MARKS_SQL: str | None = None


def _marks_sql() -> str:
    global _MARKS_SQL
    if _MARKS_SQL is None:
        t = connection.ops.quote_name(ActivityEvent._meta.db_table)
        # `NOT (verb = 'view')` as written in the partial index `activity_changes`, so both
        # SQLite and PostgreSQL answer each with one step into that index.
        latest = f"SELECT id FROM {t} WHERE {{}} AND NOT (verb = 'view') ORDER BY id DESC LIMIT 1"
        _MARKS_SQL = (
            f"SELECT ({latest.format('workspace_id = %s')}), "
            f"({latest.format('workspace_id IS NULL')})"
        )
    return _MARKS_SQL


def change_marks(workspace_id: int) -> tuple[int, int]:
    """(latest change in the workspace, latest change outside any workspace), as event ids.

    Every write records an event in its transaction (one write path), so a page built from a
    workspace's data is current as long as these two numbers have not moved: a profile edit,
    outside any workspace, changes names shown everywhere.
    """
    with connection.cursor() as cur:
        cur.execute(_marks_sql(), [int(workspace_id)])
        inside, outside = cur.fetchone()
    return int(inside or 0), int(outside or 0)
