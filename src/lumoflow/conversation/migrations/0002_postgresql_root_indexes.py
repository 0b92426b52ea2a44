"""Root posts in feed order, for PostgreSQL.

Feeds read root posts (`parent_id IS NULL`) newest first. `post_ws_feed` and `post_root_feed` hold
them in that order behind `parent_id`, and SQLite reads them so. PostgreSQL does not take
`parent_id IS NULL` as fixing that key: it sorts every root post of the workspace (or of the
window) for each page. These partial indexes hold only root posts, ordered by time, which
PostgreSQL reads in order and stops at the page's end. SQLite does not need them, so it does not
pay for them on every insert.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "post_ws_roots": '("workspace_id", "created_at", "id")',
    "post_roots": '("created_at", "id")',
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "conversation_post" {columns} '
            'WHERE "parent_id" IS NULL'
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("conversation", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
