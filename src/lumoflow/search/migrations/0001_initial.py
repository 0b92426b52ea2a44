"""Search documents and the engine's index over them.

SQLite: an FTS5 table with external content (`search_document`), kept in step by triggers, so
that an insert, update or delete of a document changes the index in the same statement and
transaction. PostgreSQL: a generated `tsvector` column (title weighted A, body B) with a GIN
index. A later migration that alters `search_document` on SQLite rebuilds the table and drops
the triggers with it: it must create them again (`lumoflow.search.engine.SQLITE_TRIGGERS`).
"""

from typing import Any

from django.db import migrations, models

from lumoflow.search import engine


def create_index(apps: Any, schema_editor: Any) -> None:
    for sql in engine.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop_index(apps: Any, schema_editor: Any) -> None:
    for sql in engine.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("post", "Post"),
                            ("reply", "Reply"),
                            ("wiki", "Wiki page"),
                            ("article", "Article"),
                            ("person", "Person"),
                            ("workspace", "Workspace"),
                        ],
                        max_length=16,
                    ),
                ),
                ("object_id", models.BigIntegerField()),
                ("workspace_id", models.BigIntegerField(null=True)),
                ("author_id", models.BigIntegerField(null=True)),
                ("title", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("created_at", models.DateTimeField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["workspace_id", "kind"], name="search_doc_ws"),
                    models.Index(fields=["author_id"], name="search_doc_author"),
                    models.Index(fields=["created_at"], name="search_doc_created"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id"), name="search_doc_object")
                ],
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
