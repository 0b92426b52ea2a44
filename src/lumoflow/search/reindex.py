"""Rebuild the search index from scratch (`lumoflow reindex`).

One transaction: the documents are emptied and written again from the objects, through the
same `documents` functions the actions use, so a rebuild finds exactly what the actions would
have indexed. On SQLite the documents are written with the triggers dropped and the FTS5 table
is then rebuilt from them in one pass (faster than row by row, and it repairs an index that went
out of step outside LumoFlow: a restored file, a manual edit); the triggers come back in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import connection, transaction

from lumoflow.conversation.models import Post
from lumoflow.knowledge.models import Article, ArticleStatus, WikiPage
from lumoflow.people.models import User
from lumoflow.workspaces.models import Workspace

from . import documents, engine, index
from .index import Doc

BATCH = 2000


def _posts() -> Iterator[Doc]:
    shown = Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True).order_by("pk")
    for post in shown.only(
        "pk", "workspace_id", "author_id", "parent_id", "body", "created_at"
    ).iterator(chunk_size=BATCH):
        yield documents.post_doc(post)


def _people() -> Iterator[Doc]:
    people = User.objects.filter(is_active=True).select_related("department").order_by("pk")
    for person in people.iterator(chunk_size=BATCH):
        yield documents.person_doc(person)


def _workspaces() -> Iterator[Doc]:
    for ws in Workspace.objects.order_by("pk").iterator(chunk_size=BATCH):
        yield documents.workspace_doc(ws)


def _wiki() -> Iterator[Doc]:
    pages = WikiPage.objects.filter(current__isnull=False).select_related("current")
    for page in pages.order_by("pk").iterator(chunk_size=BATCH):
        yield documents.wiki_doc(page, page.current.body if page.current else "")


def _articles() -> Iterator[Doc]:
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by("pk")
    for article in published.iterator(chunk_size=BATCH):
        yield documents.article_doc(article)


#: What a rebuild reads: a name and a count of objects for the progress bar, and the documents.
SOURCES: list[tuple[str, Callable[[], int], Callable[[], Iterator[Doc]]]] = [
    ("workspaces", lambda: Workspace.objects.count(), _workspaces),
    ("people", lambda: User.objects.filter(is_active=True).count(), _people),
    (
        "posts",
        lambda: Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True).count(),
        _posts,
    ),
    ("wiki pages", lambda: WikiPage.objects.filter(current__isnull=False).count(), _wiki),
    (
        "articles",
        lambda: Article.objects.filter(status=ArticleStatus.PUBLISHED).count(),
        _articles,
    ),
]


def _batches(docs: Iterable[Doc]) -> Iterator[list[Doc]]:
    it = iter(docs)
    while batch := list(islice(it, BATCH)):
        yield batch


def rebuild(
    *,
    on_total: Callable[[int], Any] | None = None,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, int]:
    """Empty the index and index every object again; return how many documents of each source.

    `on_total` is told how many objects there are to read, `progress` each batch's size. Runs
    in one transaction: searches meanwhile see the old index until it commits.
    """
    if on_total is not None:
        on_total(sum(count() for _, count, _ in SOURCES))
    written: dict[str, int] = {}
    sqlite = connection.vendor == "sqlite"
    with transaction.atomic():
        if sqlite:  # an index out of step cannot take the triggers' deletes: write without them
            _execute(engine.drop_sql("sqlite")[:3])
        index.drop_all()
        for name, _, docs in SOURCES:
            written[name] = 0
            for batch in _batches(docs()):
                index.put_many(batch)
                written[name] += len(batch)
                if progress is not None:
                    progress(len(batch))
        if sqlite:
            _execute([*engine.SQLITE_TRIGGERS, engine.SQLITE_REBUILD])
    return written


def _execute(statements: list[str]) -> None:
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
