"""Indexes that only PostgreSQL needs, made by migrations.

PostgreSQL does not take `column IS NULL` as fixing an index key (it does for `column = value`):
an index on (parent_id, created_at) does not give it root posts in time order, and it sorts
them, or walks the whole table backwards by id. Partial indexes `WHERE column IS NULL` give it
that order. SQLite reads the same rows in order through the project's ordinary indexes and does
not pay for these on every insert.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def postgresql_only(table: str, indexes: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """A migration operation creating (and on the way back dropping) `indexes` on PostgreSQL:
    name → (columns, WHERE condition), both as SQL."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for name, (columns, where) in indexes.items():
                schema_editor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns}) WHERE {where}'
                )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop)
