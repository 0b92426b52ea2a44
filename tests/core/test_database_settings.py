"""The database settings read from the environment (config.settings._database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from lumoflow.config.settings import _database


def test_postgresql_prepares_its_statements_unless_told_not_to(monkeypatch: Any) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.example:5432/lumoflow")
    monkeypatch.delenv("LUMOFLOW_PG_PREPARED", raising=False)
    db = _database()
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    monkeypatch.setenv("LUMOFLOW_PG_PREPARED", "0")  # behind a pooler without prepared statements
    assert not _database().get("OPTIONS")


def test_without_a_database_url_it_is_the_embedded_sqlite(monkeypatch: Any) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert _database()["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.django_db
def test_postgresql_has_partial_indexes_of_root_posts_in_feed_order() -> None:
    with connection.cursor() as cur:
        names = {
            i
            for i, c in connection.introspection.get_constraints(cur, "conversation_post").items()
            if c["index"]
        }
    feed_order = {"post_ws_roots", "post_roots"}
    if connection.vendor == "postgresql":
        assert feed_order <= names
    else:  # SQLite reads root posts in order through post_ws_feed and post_root_feed
        assert not feed_order & names and {"post_ws_feed", "post_root_feed"} <= names
