"""The index follows committed writes only: `put`/`drop` run in the action's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from lumoflow.activity.actions import OutsideTransaction
from lumoflow.search import index
from lumoflow.search.models import Document

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _engine_ids(word: str) -> set[int]:
    """Document ids the engine itself finds for one word (no permission filter)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [f'"{word}"'])
        else:
            cur.execute(
                "SELECT id FROM search_document WHERE tsv @@ plainto_tsquery('english', %s)",
                [word],
            )
        return {r[0] for r in cur.fetchall()}


def _put(object_id: int, body: str) -> None:
    index.put(
        kind="post",
        object_id=object_id,
        workspace_id=1,
        author_id=None,
        title="",
        body=body,
        created_at=AT,
    )


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_no_document_and_a_committed_one_is_found_at_once():
    # given a write that fails after indexing
    with pytest.raises(RuntimeError), transaction.atomic():
        _put(1, "quarterly zeppelin budget")
        raise RuntimeError("the action failed")
    # then nothing of it is indexed
    assert not Document.objects.exists()
    assert _engine_ids("zeppelin") == set()
    # when one commits
    with transaction.atomic():
        _put(2, "quarterly zeppelin budget")
    # then the engine finds it at once
    assert _engine_ids("zeppelin") == {Document.objects.get(object_id=2).pk}


@pytest.mark.django_db
def test_put_again_replaces_the_text_and_drop_removes_it():
    with transaction.atomic():
        _put(7, "the old walrus wording")
        _put(7, "the new narwhal wording")
    assert _engine_ids("walrus") == set()
    assert len(_engine_ids("narwhal")) == 1
    assert Document.objects.count() == 1
    with transaction.atomic():
        index.drop(kind="post", object_id=7)
        index.drop(kind="post", object_id=7)  # already gone: nothing happens
    assert _engine_ids("narwhal") == set()


@pytest.mark.django_db(transaction=True)
def test_writing_the_index_outside_a_transaction_is_refused():
    with pytest.raises(OutsideTransaction):
        _put(1, "outside")
    with pytest.raises(OutsideTransaction):
        index.drop(kind="post", object_id=1)


@pytest.mark.django_db
def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="Unknown search kind"), transaction.atomic():
        index.put(
            kind="memo",
            object_id=1,
            workspace_id=None,
            author_id=None,
            title="",
            body="x",
            created_at=AT,
        )
