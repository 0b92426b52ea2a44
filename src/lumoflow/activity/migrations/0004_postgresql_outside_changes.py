"""The latest change outside any workspace, for PostgreSQL (see lumoflow.core.pg_indexes).

Page caches read the latest event other than a view outside any workspace (`workspace_id IS
NULL`): `activity_changes` serves it on SQLite; PostgreSQL walked the whole log backwards by id.
"""

from django.db import migrations

from lumoflow.core.pg_indexes import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("activity", "0003_changes_index")]

    operations = [
        postgresql_only(
            "activity_activityevent",
            {
                "activity_outside_changes": (
                    '"id"',
                    '"workspace_id" IS NULL AND NOT "verb" = \'view\'',
                )
            },
        )
    ]
