"""Root posts in feed order, for PostgreSQL (see lumoflow.core.pg_indexes).

Feeds read root posts (`parent_id IS NULL`) newest first: `post_ws_feed` and `post_root_feed`
hold them in that order behind `parent_id` for SQLite; PostgreSQL sorted every root post of the
workspace (or of the window) for each page.
"""

from django.db import migrations

from lumoflow.core.pg_indexes import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("conversation", "0001_initial")]

    operations = [
        postgresql_only(
            "conversation_post",
            {
                "post_ws_roots": ('"workspace_id", "created_at", "id"', '"parent_id" IS NULL'),
                "post_roots": ('"created_at", "id"', '"parent_id" IS NULL'),
            },
        )
    ]
