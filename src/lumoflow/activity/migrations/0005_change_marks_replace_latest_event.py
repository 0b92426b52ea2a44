"""Pages are keyed on change marks (`core.marks`), no longer on the latest event: the two partial
indexes that served that read (`activity_changes`, and `activity_outside_changes` on PostgreSQL)
only slowed every insert."""

from typing import Any

from django.db import migrations

from lumoflow.core.pg_indexes import postgresql_only

_OUTSIDE = postgresql_only(
    "activity_activityevent",
    {"activity_outside_changes": ('"id"', '"workspace_id" IS NULL AND NOT "verb" = \'view\'')},
)


def _drop_outside(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "activity_outside_changes"')


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0004_postgresql_outside_changes"),
        ("core", "0001_change_marks"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="activityevent", name="activity_changes"),
        migrations.RunPython(_drop_outside, _OUTSIDE.code),
    ]
