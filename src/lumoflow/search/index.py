"""Keep the search documents in step with the objects they describe.

Called by actions INSIDE their transaction, so that the index can neither miss a committed
write nor keep one that was rolled back: `put` when an object is created or changes, `drop`
when it is deleted, hidden or deactivated. Reading who may find a document is not this
module's business: `search.queries` filters by the document's workspace at read time, so a
membership change needs no write here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from lumoflow.activity.actions import OutsideTransaction

from .models import Document, Kind

KINDS = frozenset(Kind.values)
#: The most characters of a body that are indexed (PostgreSQL refuses a tsvector past 1 MB).
MAX_INDEXED_CHARS = 200_000
# Control characters are never searched for, and two of them mark highlights in snippets.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIELDS = ["workspace_id", "author_id", "title", "body", "created_at"]


@dataclass(frozen=True, slots=True)
class Doc:
    """One object as search sees it (the arguments of `put`)."""

    kind: str
    object_id: int
    workspace_id: int | None
    author_id: int | None
    title: str
    body: str
    created_at: datetime


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text[:MAX_INDEXED_CHARS])


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise OutsideTransaction("The search index is written inside the action's transaction.")


def _row(doc: Doc) -> Document:
    if doc.kind not in KINDS:
        raise ValueError(f"Unknown search kind {doc.kind!r}; one of {sorted(KINDS)}.")
    return Document(
        kind=doc.kind,
        object_id=doc.object_id,
        workspace_id=doc.workspace_id,
        author_id=doc.author_id,
        title=_clean(doc.title),
        body=_clean(doc.body),
        created_at=doc.created_at,
    )


def put(
    *,
    kind: str,
    object_id: int,
    workspace_id: int | None,
    author_id: int | None,
    title: str,
    body: str,
    created_at: datetime,
) -> None:
    """Index one object, or index it again after a change (one upsert statement)."""
    put_many([Doc(kind, object_id, workspace_id, author_id, title, body, created_at)])


def put_many(docs: Iterable[Doc], *, batch_size: int = 500) -> None:
    """Index many objects in batched upserts (bulk imports, the demo, `lumoflow reindex`)."""
    _require_transaction()
    rows = [_row(d) for d in docs]
    if rows:
        Document.objects.bulk_create(
            rows,
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=_FIELDS,
        )


def drop(*, kind: str, object_id: int) -> None:
    """Take one object out of search (deleted, hidden, deactivated). Nothing when absent."""
    _require_transaction()
    Document.objects.filter(kind=kind, object_id=object_id).delete()


def drop_all() -> None:
    """Empty the index (`lumoflow reindex` fills it again in the same transaction)."""
    _require_transaction()
    Document.objects.all().delete()
