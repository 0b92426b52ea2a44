"""Feeds read a page at a time in precompiled SQL: the home feed (a window of the newest posts
of what the viewer follows) and a workspace's feed, keyed by (created_at, id)."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, IntegerField, Q, Value

from lumoflow.core.sql import Frozen, Loader
from lumoflow.people.models import Viewer
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import (
    Objective,
    Workspace,
)

from ..models import Follow, Kind, Post
from .feeds import _objective_filter, _workspace_roots, list_feed_for
from .posts import _CARD_RELATED, _uid, visible_posts

# Feed pages from precompiled SQL. Building the ORM queries above cost more than running them on
# the hottest reads (the home feed and the workspace feed, as pages and through the API), so
# the same queries are compiled once per process (`Frozen`) and read a page at a time: one query
# for a page's posts with their authors, workspace names and objective titles.
Before = tuple[datetime, int]
"""A keyset bound: posts strictly older than this (created_at, id)."""


# The post's own columns first, in order, as `Loader` reads them; then those of `_CARD_RELATED`,
# which become attributes named with one underscore (`author_username`).
_CARD_VALUES = (*(f.attname for f in Post._meta.concrete_fields), *_CARD_RELATED)


_CARD_EXTRA = tuple(name.replace("__", "_") for name in _CARD_RELATED)


_HOME_FEED = Frozen(lambda viewer: list_feed_for(viewer).values(*_CARD_VALUES))


_WORKSPACE_FEEDS: dict[tuple[str, bool], Frozen] = {}


def _workspace_feed_query(kind: str, by_objective: bool) -> Frozen:
    found = _WORKSPACE_FEEDS.get((kind, by_objective))
    if found is None:
        if by_objective:
            found = Frozen(
                lambda wid, oid: _workspace_roots(wid, kind=kind, objective_id=oid).values(
                    *_CARD_VALUES
                )
            )
        else:
            found = Frozen(lambda wid: _workspace_roots(wid, kind=kind).values(*_CARD_VALUES))
        _WORKSPACE_FEEDS[(kind, by_objective)] = found
    return found


@functools.cache
def _newest_first(sql: str, *, before: bool, since: bool = False, keys: bool = False) -> str:
    """`sql` (a feed query) newest first, limited; optionally older than a `before` bound and
    not older than a `since` bound; with `keys`, only the columns of a `PostKey`."""
    bounds = (["(f.created_at, f.id) < (%s, %s)"] if before else []) + (
        ["(f.created_at, f.id) >= (%s, %s)"] if since else []
    )
    where = f"WHERE {' AND '.join(bounds)} " if bounds else ""
    columns = "f.id, f.workspace_id, f.created_at" if keys else "*"
    return f"SELECT {columns} FROM ({sql}) f {where}ORDER BY f.created_at DESC, f.id DESC LIMIT %s"


def _bound(key: Before) -> list[Any]:
    return [connection.ops.adapt_datetimefield_value(key[0]), key[1]]


def _created_at(value: Any) -> datetime:
    """A `created_at` read with plain SQL, converted as the ORM converts it."""
    field = Post._meta.get_field("created_at")
    for fn in connection.ops.get_db_converters(field.get_col(Post._meta.db_table)):
        value = fn(value, field, connection)
    return value  # type: ignore[no-any-return]


def _to_keys(rows: list[tuple[Any, ...]]) -> list[PostKey]:
    return [PostKey(int(pk), int(ws), _created_at(when)) for pk, ws, when in rows]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows: list[tuple[Any, ...]] = cur.fetchall()
        return rows


@dataclass(frozen=True)
class Feed:
    """Root posts of a feed the viewer may read, newest first, a page at a time (one query)."""

    query: Frozen | None
    ids: dict[str, int] = field(default_factory=dict)
    workspace: Workspace | None = None

    def _bounded(
        self, n: int, before: Before | None, since: Before | None = None, *, keys: bool
    ) -> tuple[str, list[Any]]:
        assert self.query is not None
        sql, params = self.query.sql(**self.ids)
        for bound in (before, since):
            if bound is not None:
                params += _bound(bound)
        sql = _newest_first(sql, before=before is not None, since=since is not None, keys=keys)
        return sql, [*params, n]

    def page(self, n: int, before: Before | None = None) -> list[Post]:
        """The `n` newest posts (older than `before` when given), each with its author,
        workspace and objective loaded, as `_feed_select` loads them."""
        if self.query is None:
            return []
        return self._posts(*self._bounded(n, before, keys=False))

    def _posts(self, sql: str, params: list[Any]) -> list[Post]:
        posts = Loader.of(Post).load(connection.alias, sql, params, _CARD_EXTRA)
        _attach_card_relations(posts, self.workspace)
        return posts

    def keys(self, n: int, before: Before | None = None) -> list[PostKey]:
        """`page` without loading the posts: their ids, workspaces and times (for pages whose
        cards come from the fragment cache; `posts_by_ids` loads the ones that do not)."""
        if self.query is None:
            return []
        return _to_keys(_fetch(*self._bounded(n, before, keys=True)))


# The home feed walks the newest root posts of the whole site and keeps the viewer's: one short
# index walk while what the viewer follows is a fair share of what is posted. For someone whose
# sources are quiet (a new person following little) that walk would reach back through every
# post there is, so it is bounded to the HOME_WINDOW newest root posts. When the window holds
# less than a page, the rest is read source by source: each followed workspace, each followed
# person and the announcements of each of the viewer's workspaces, each an index range read of at
# most a page, merged. Both ways apply the rules of `list_feed_for`.
HOME_WINDOW = 2000


CUT_KEPT = 30.0  # seconds (see `HomeFeed._cut`)


_FIRST_PAGE_CUT: dict[str, tuple[float, Before | None]] = {}


_QUIET: dict[int, float] = {}  # viewer id: until when to read their sources at once


_QUIET_KEPT = 10_000  # viewers remembered at most


_KEY_COLUMNS = ("id", "workspace_id", "created_at")


_SOURCE_POSTS = {  # workspace ids come from `_SOURCES`: readable ones
    "workspace": Frozen(lambda sid: _workspace_roots(sid).values(*_KEY_COLUMNS)),
    "announcements": Frozen(
        lambda sid: _workspace_roots(sid, kind=Kind.ANNOUNCEMENT).values(*_KEY_COLUMNS)
    ),
    "person": Frozen(
        lambda viewer, sid: (
            visible_posts()
            .filter(
                author_id=sid,
                parent__isnull=True,
                workspace__in=ws_queries.readable_workspace_ids(viewer),
            )
            .values(*_KEY_COLUMNS)
        )
    ),
}


_SOURCES = Frozen(  # (workspace id, person id, announcements only): what the viewer follows
    lambda viewer: (
        Follow.objects.filter(follower_id=viewer.pk)
        .filter(
            Q(person__isnull=False) | Q(workspace__in=ws_queries.readable_workspace_ids(viewer))
        )
        .order_by()
        .values_list("workspace_id", "person_id", Value(False, output_field=BooleanField()))
        .union(
            ws_queries.member_workspace_ids(viewer)
            .order_by()
            .values_list(
                "workspace_id",
                Value(None, output_field=IntegerField()),
                Value(True, output_field=BooleanField()),
            ),
            all=True,
        )
    )
)


_SOURCES_PER_QUERY = 200  # SQLite allows 500 terms in a compound SELECT


@functools.cache
def _window_cut_sql(before: bool) -> str:
    t = connection.ops.quote_name(Post._meta.db_table)
    older = "AND (created_at, id) < (%s, %s) " if before else ""
    return (
        f"SELECT created_at, id FROM {t} WHERE parent_id IS NULL {older}"
        "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET %s"
    )


@dataclass(frozen=True)
class HomeFeed(Feed):
    """`list_feed_for`, a page at a time: the newest HOME_WINDOW root posts first, then source
    by source (see HOME_WINDOW). Two queries while the window holds a page; at most five."""

    def _cut(self, before: Before | None) -> Before | None:
        """The oldest (created_at, id) of the window (None: the window reaches the first post).

        Any cut gives the same page (the window reads what is newer, the sources what is older):
        it only decides how much each way reads. So the first page's cut, the same for everyone,
        is kept for a while; new posts only widen the window a little meanwhile.
        """
        kept = _FIRST_PAGE_CUT.get(connection.alias) if before is None else None
        if kept and kept[0] > time.monotonic():
            return kept[1]
        params = [*(_bound(before) if before else []), HOME_WINDOW - 1]
        rows = _fetch(_window_cut_sql(before is not None), params)
        cut = (_created_at(rows[0][0]), int(rows[0][1])) if rows else None
        if before is None:
            _FIRST_PAGE_CUT[connection.alias] = (time.monotonic() + CUT_KEPT, cut)
        return cut

    def _by_source(self, n: int, before: Before | None) -> list[PostKey]:
        """The `n` newest posts (older than `before`), read source by source."""
        uid = self.ids["viewer"]
        sources = [
            ("announcements", w) if member else ("workspace", w) if w else ("person", p)
            for w, p, member in _SOURCES.rows(viewer=uid)
        ]
        found: list[PostKey] = []
        for at in range(0, len(sources), _SOURCES_PER_QUERY):
            parts, params = [], []
            for i, (what, sid) in enumerate(sources[at : at + _SOURCES_PER_QUERY]):
                ids = {"viewer": uid, "sid": sid} if what == "person" else {"sid": sid}
                sql, p = _SOURCE_POSTS[what].sql(**ids)
                sql = _newest_first(sql, before=before is not None)
                parts.append(f"SELECT * FROM ({sql}) s{i}")
                params += [*p, *(_bound(before) if before else []), n]
            merged = (
                f"SELECT DISTINCT u.id, u.workspace_id, u.created_at "
                f"FROM ({' UNION ALL '.join(parts)}) u "
                "ORDER BY u.created_at DESC, u.id DESC LIMIT %s"
            )
            found += _to_keys(_fetch(merged, [*params, n]))
        if len(sources) > _SOURCES_PER_QUERY:  # a post can come from two batches
            found = sorted(set(found), key=lambda k: (k.created_at, k.pk), reverse=True)
        return found[:n]

    def _quiet(self) -> bool:
        """Whether this viewer's window held less than a page lately: then read their sources
        at once (the window would only cost a walk)."""
        return _QUIET.get(self.ids["viewer"], 0.0) > time.monotonic()

    def _rest_from(self, n: int, found: list[Any], cut: Before | None) -> Before | None:
        """After reading the window (down to `cut`) into `found`: the bound below which the
        sources are to be read for the rest of the page, or None when the page is whole."""
        if cut is None or len(found) >= n:
            return None
        if len(_QUIET) >= _QUIET_KEPT:
            _QUIET.clear()
        _QUIET[self.ids["viewer"]] = time.monotonic() + CUT_KEPT
        return cut

    def page(self, n: int, before: Before | None = None) -> list[Post]:
        if self._quiet():
            posts: list[Post] = []
            cut: Before | None = before
        else:
            cut = self._cut(before)
            posts = self._posts(*self._bounded(n, before, cut, keys=False))
            cut = self._rest_from(n, posts, cut)
            if cut is None:
                return posts
        older = self._by_source(n - len(posts), cut)
        by_id = {p.pk: p for p in posts_by_ids([k.pk for k in older])}
        return posts + [by_id[k.pk] for k in older if k.pk in by_id]

    def keys(self, n: int, before: Before | None = None) -> list[PostKey]:
        if self._quiet():
            return self._by_source(n, before)
        cut = self._cut(before)
        found = _to_keys(_fetch(*self._bounded(n, before, cut, keys=True)))
        rest = self._rest_from(n, found, cut)
        return found if rest is None else found + self._by_source(n - len(found), rest)


def newest_post_id() -> int:
    """The id of the newest post or reply on the site: where an empty feed's "new posts" poll
    starts counting (no content, only a number)."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(Post._meta.db_table)}")
        return int(cur.fetchone()[0] or 0)


@dataclass(frozen=True)
class PostKey:
    """A post on a feed page, as its cached card and view recording need it."""

    pk: int
    workspace_id: int
    created_at: datetime


def posts_by_ids(ids: list[int]) -> list[Post]:
    """Posts (ids from a feed page the viewer may read) loaded as `Feed.page` loads them."""
    if not ids:
        return []
    sql, params = Post.objects.filter(pk__in=ids).values(*_CARD_VALUES).query.sql_with_params()
    posts = Loader.of(Post).load(connection.alias, sql, list(params), _CARD_EXTRA)
    _attach_card_relations(posts, None)
    return posts


_AUTHOR_FIELDS = ["id", "username", "display_name", "first_name", "last_name", "photo_small"]


def _attach_card_relations(posts: list[Post], workspace: Workspace | None) -> None:
    """Author, workspace and objective from the page query's extra columns (no more queries)."""
    User = get_user_model()
    people: dict[int, Any] = {}
    spaces: dict[int, Workspace] = {workspace.pk: workspace} if workspace else {}
    author, space, objective = (
        Post._meta.get_field(name) for name in ("author", "workspace", "objective")
    )
    for p in posts:
        a: Any = p
        db = p._state.db
        if a.author_id not in people:
            people[a.author_id] = User.from_db(
                db,
                _AUTHOR_FIELDS,
                [a.author_id, a.author_username, a.author_display_name]
                + [a.author_first_name, a.author_last_name, a.author_photo_small],
            )
        if a.workspace_id not in spaces:
            spaces[a.workspace_id] = Workspace.from_db(
                db,
                ["id", "name", "visibility"],
                [a.workspace_id, a.workspace_name, a.workspace_visibility],
            )
        goal = None
        if a.objective_id is not None:
            goal = Objective.from_db(db, ["id", "title"], [a.objective_id, a.objective_title])
        author.set_cached_value(p, people[a.author_id])  # type: ignore[union-attr]
        space.set_cached_value(p, spaces[a.workspace_id])  # type: ignore[union-attr]
        objective.set_cached_value(p, goal)  # type: ignore[union-attr]


def feed_for(viewer: Viewer) -> Feed:
    """`list_feed_for`, read a page at a time."""
    uid = _uid(viewer)
    return Feed(None) if uid is None else HomeFeed(_HOME_FEED, {"viewer": uid})


def workspace_feed_for(
    viewer: Viewer, workspace_id: Any, *, kind: str = "", objective_id: Any = None
) -> Feed:
    """`list_workspace_posts_for` (403 when private and not a member), read a page at a time."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    if kind and kind not in Kind.values:
        return Feed(None)
    oid = _objective_filter(objective_id)
    query = _workspace_feed_query(kind, oid is not None)
    ids = {"wid": ws.pk} if oid is None else {"wid": ws.pk, "oid": oid}
    return Feed(query, ids, ws)
