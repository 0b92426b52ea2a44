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


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, table)
    return {name for name, c in found.items() if c["index"]}


@pytest.mark.django_db
def test_postgresql_has_partial_indexes_where_is_null_fixes_the_order() -> None:
    posts = {"post_ws_roots", "post_roots"}
    found = _indexes("conversation_post")
    if connection.vendor == "postgresql":
        assert posts <= found
    else:  # SQLite reads these rows in order through post_ws_feed and post_root_feed, and does
        # not pay for more indexes
        assert not posts & found
        assert {"post_ws_feed", "post_root_feed"} <= found


@pytest.mark.django_db
def test_no_index_serves_the_latest_event_any_more() -> None:
    # Pages are keyed on change marks (core.marks), not on the latest event of the log.
    old = {"activity_changes", "activity_outside_changes"}
    assert not old & _indexes("activity_activityevent")
