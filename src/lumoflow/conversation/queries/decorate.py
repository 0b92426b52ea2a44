"""What a card shows beyond its post: reaction counts (with the viewer's own) and attachments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from lumoflow.core.sql import Loader
from lumoflow.people.models import Viewer

from ..models import EMOJIS, Attachment, Post, Reaction
from .posts import _uid


# ------------------------------------------------------------------ page decoration
@dataclass
class PostCard:
    """A post with what its card shows, gathered in a constant number of queries per page."""

    post: Post
    reactions: list[tuple[str, int, bool]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)


def my_reactions(viewer: Viewer, post_ids: list[int]) -> set[tuple[int, str]]:
    """The viewer's own reactions among these posts, as (post id, emoji): one indexed query."""
    uid = _uid(viewer)
    if uid is None or not post_ids:
        return set()
    marks = ", ".join(["%s"] * len(post_ids))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT post_id, emoji FROM {Reaction._meta.db_table} "
            f"WHERE user_id = %s AND post_id IN ({marks})",
            [uid, *post_ids],
        )
        return {(int(p), str(e)) for p, e in cur.fetchall()}


def decorate(viewer: Viewer | None, posts: list[Post]) -> list[PostCard]:
    """Attach reaction counts (with the viewer's own) and attachments: two queries in all.

    Written in SQL: on a feed page, building these two ORM queries took longer than running them.
    """
    ids = [p.pk for p in posts]
    counts: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    files: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        r, att = Reaction._meta.db_table, Attachment._meta.db_table
        with connection.cursor() as cur:
            cur.execute(
                "SELECT post_id, emoji, COUNT(*), SUM(CASE WHEN user_id = %s THEN 1 ELSE 0 END) "
                f"FROM {r} WHERE post_id IN ({marks}) GROUP BY post_id, emoji",
                [_uid(viewer), *ids],
            )
            for post_id, emoji, n, mine in cur.fetchall():
                counts[post_id][emoji] = [n, mine > 0]
        cols = Loader.of(Attachment).columns("a")
        sql = f"SELECT {cols} FROM {att} a WHERE a.post_id IN ({marks}) ORDER BY a.id"
        for a in Loader.of(Attachment).load(connection.alias, sql, ids):
            files[a.post_id].append(a)
    cards = []
    for p in posts:
        c = counts.get(p.pk, {})
        reactions = [(e, c[e][0], c[e][1]) for e in EMOJIS if e in c]
        cards.append(PostCard(p, reactions, files.get(p.pk, [])))
    return cards
