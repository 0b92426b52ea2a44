"""Permission-aware reads of posts, threads, feeds, hashtags and follows. Viewer first.

Every list is filtered through `readable_workspace_ids(viewer)`: content of a private or secret
workspace never reaches a non-member. Deleted and hidden posts are left out of every list.
"""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, IntegerField, Q, QuerySet, Value

from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.sql import Frozen, Loader
from lumoflow.core.validation import id_or_not_found
from lumoflow.people.models import Viewer, person_name
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import (
    Membership,
    MembershipStatus,
    Objective,
    Visibility,
    Workspace,
)

from .models import EMOJIS, Attachment, Follow, Hashtag, Kind, Post, Reaction


def _uid(viewer: Viewer | None) -> int | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return viewer.pk


def visible_posts() -> QuerySet[Post]:
    return Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True)


def readable_posts_for(viewer: Viewer) -> QuerySet[Post]:
    """Visible posts and replies in workspaces whose content the viewer may read."""
    return visible_posts().filter(workspace__in=ws_queries.readable_workspace_ids(viewer))


_CARD_RELATED = (
    "author__username",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "workspace__name",
    "workspace__visibility",
    "objective__title",
)
_CARD_FIELDS = (
    *(f.name for f in Post._meta.concrete_fields),
    *_CARD_RELATED,
    "workspace__archived_at",
)


def _feed_select(qs: QuerySet[Post], *, replies: bool = False) -> QuerySet[Post]:
    """Posts with what a card shows, in one query (only the columns it needs). With `replies`,
    also the author of each reply's parent ("in reply to")."""
    if not replies:
        return qs.select_related("author", "workspace", "objective").only(*_CARD_FIELDS)
    parent = (
        "parent__author__username",
        "parent__author__display_name",
        "parent__author__first_name",
        "parent__author__last_name",
    )
    return qs.select_related("author", "workspace", "objective", "parent__author").only(
        *_CARD_FIELDS, "parent__author_id", *parent
    )


def get_post_for(viewer: Viewer, post_id: Any) -> Post:
    """A visible post or reply the viewer may read, else NotFound (missing or not allowed)."""
    pid = id_or_not_found(post_id, "post")
    post = _feed_select(readable_posts_for(viewer), replies=True).filter(pk=pid).first()
    if post is None:
        raise NotFound(f"No post {pid}.")
    return post


def require_member(viewer: Viewer, post_or_ws: Post | Workspace, what: str) -> str:
    """The viewer's role in the post's workspace; 403 for a reader who is not a member."""
    ws = post_or_ws.workspace if isinstance(post_or_ws, Post) else post_or_ws
    role = ws_queries.role_of(viewer, ws)
    if role is None:
        raise PermissionDenied(f"Join '{ws.name}' to {what}.")
    return role


def can_facilitate(viewer: Viewer, workspace: Workspace) -> bool:
    return ws_queries.may_facilitate(ws_queries.role_of(viewer, workspace))


def may_accept_answer(viewer: Viewer, question: Post, role: str | None) -> bool:
    """Whether the viewer, holding `role` in the question's workspace, may accept an answer to
    it: the person who asked, or a facilitator or owner of the workspace."""
    return question.author_id == _uid(viewer) or ws_queries.may_facilitate(role)


def count_posts_after(viewer: Viewer, after: int, *, workspace_id: Any = None) -> int:
    """How many posts newer than post `after` the viewer's home feed (or a workspace's feed)
    holds: the "new posts" notice."""
    qs = list_workspace_posts_for(viewer, workspace_id) if workspace_id else list_feed_for(viewer)
    return qs.filter(pk__gt=after).count()


def readers_among(workspace: Workspace, user_ids: list[int]) -> set[int]:
    """Which of these active people may read the workspace's content."""
    User = get_user_model()
    people = User.objects.filter(pk__in=user_ids, is_active=True)
    if workspace.visibility != Visibility.PUBLIC:
        people = people.filter(
            memberships__workspace=workspace, memberships__status=MembershipStatus.ACTIVE
        )
    return set(people.values_list("pk", flat=True))


# ---------------------------------------------------------------------------- feeds
def _workspace_roots(
    workspace_id: int, *, kind: str = "", objective_id: int | None = None
) -> QuerySet[Post]:
    qs = visible_posts().filter(workspace_id=workspace_id, parent__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if objective_id is not None:
        qs = qs.filter(objective_id=objective_id)
    return qs


def _objective_filter(objective_id: Any) -> int | None:
    return None if objective_id in (None, "") else id_or_not_found(objective_id, "objective")


def list_workspace_posts_for(
    viewer: Viewer, workspace_id: Any, *, kind: str = "", objective_id: Any = None
) -> QuerySet[Post]:
    """Root posts of a workspace the viewer may read (403 when private and not a member)."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    oid = _objective_filter(objective_id)
    return _feed_select(_workspace_roots(ws.pk, kind=kind, objective_id=oid))


def list_feed_for(viewer: Viewer) -> QuerySet[Post]:
    """Home feed: root posts from followed workspaces and people, and announcements from the
    viewer's workspaces, in workspaces the viewer may read."""
    uid = _uid(viewer)
    follows = Follow.objects.filter(follower_id=uid)
    wanted = (
        Q(workspace__in=follows.filter(workspace__isnull=False).values("workspace_id"))
        | Q(author__in=follows.filter(person__isnull=False).values("person_id"))
        | Q(kind=Kind.ANNOUNCEMENT, workspace__in=ws_queries.member_workspace_ids(viewer))
    )
    qs = visible_posts().filter(
        wanted, parent__isnull=True, workspace__in=ws_queries.readable_workspace_ids(viewer)
    )
    return _feed_select(qs)


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


_AUTHOR_FIELDS = ["id", "username", "display_name", "first_name", "last_name"]


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
                + [a.author_first_name, a.author_last_name],
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


def list_hashtag_posts_for(viewer: Viewer, tag: str) -> QuerySet[Post]:
    tag = tag.lstrip("#").lower()
    ids = Hashtag.objects.filter(tag=tag).values("post_id")
    return _feed_select(readable_posts_for(viewer).filter(pk__in=ids), replies=True)


def list_replies_for(viewer: Viewer, post_id: Any) -> QuerySet[Post]:
    """Replies in the thread of a post the viewer may read, oldest first."""
    post = get_post_for(viewer, post_id)
    root = post.thread_id or post.pk
    return (
        visible_posts()
        .filter(thread_id=root)
        .select_related("author", "parent__author", "workspace")
        .order_by("created_at", "id")
    )


def list_unanswered_questions_for(viewer: Viewer, workspace_id: Any) -> QuerySet[Post]:
    """Questions with no accepted answer, oldest first."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    return (
        visible_posts()
        .filter(workspace=ws, parent__isnull=True, kind=Kind.QUESTION, accepted_answer=None)
        .select_related("author")
        .order_by("created_at", "id")
    )


def list_decisions_for(viewer: Viewer, workspace_id: Any) -> QuerySet[Post]:
    return list_workspace_posts_for(viewer, workspace_id, kind=Kind.DECISION)


def search_posts_for(viewer: Viewer, q: str) -> QuerySet[Post]:
    """Posts and replies whose text contains every word of `q` (case-insensitive)."""
    qs = readable_posts_for(viewer)
    words = [w for w in q.split() if w][:10]
    if not words:
        return qs.none()
    for w in words:
        qs = qs.filter(body__icontains=w)
    return _feed_select(qs, replies=True)


def list_follows_for(viewer: Viewer) -> QuerySet[Follow]:
    """What the viewer follows (secret workspaces they left drop out)."""
    return (
        Follow.objects.filter(follower_id=_uid(viewer))
        .filter(
            Q(workspace__isnull=True)
            | ~Q(workspace__visibility=Visibility.SECRET)
            | Q(workspace__in=ws_queries.member_workspace_ids(viewer))
        )
        .select_related("person", "workspace")
        .only(
            "created_at",
            "person_id",
            "workspace_id",
            "person__username",
            "person__display_name",
            "person__first_name",
            "person__last_name",
            "workspace__name",
        )
    )


@dataclass(frozen=True)
class Followed:
    """A person (`username`) or a workspace (`workspace_id`) the viewer follows, by name."""

    name: str
    username: str | None
    workspace_id: int | None


FOLLOWS_SHOWN = 50
_FOLLOWED = Frozen(
    lambda viewer: list_follows_for(viewer).values_list(
        "person__username",
        "person__display_name",
        "person__first_name",
        "person__last_name",
        "workspace_id",
        "workspace__name",
    )[:FOLLOWS_SHOWN]
)


def list_followed_for(viewer: Viewer) -> list[Followed]:
    """`list_follows_for`, the first FOLLOWS_SHOWN as names (the home page's side bar)."""
    uid = _uid(viewer)
    if uid is None:
        return []
    return [
        Followed(ws_name, None, ws_id)
        if username is None
        else Followed(person_name(username, display, first, last), username, None)
        for username, display, first, last, ws_id, ws_name in _FOLLOWED.rows(viewer=uid)
    ]


_FOLLOWS_PERSON = Frozen(
    lambda uid, oid: Follow.objects.filter(follower_id=uid, person_id=oid).values("id")
)
_FOLLOWS_WORKSPACE = Frozen(
    lambda uid, oid: Follow.objects.filter(follower_id=uid, workspace_id=oid).values("id")
)


def follow_state(
    viewer: Viewer, *, person_id: int | None = None, workspace_id: int | None = None
) -> bool:
    """Whether the viewer follows this person (or workspace): one precompiled query."""
    uid = _uid(viewer)
    target = person_id if person_id is not None else workspace_id
    if uid is None or target is None:
        return False
    query = _FOLLOWS_PERSON if person_id is not None else _FOLLOWS_WORKSPACE
    return bool(query.count(uid=uid, oid=int(target)))


def list_revisions_for(viewer: Viewer, post_id: Any) -> list[Any]:
    """Earlier versions of a post the viewer may read (`post_id` may be a post that
    `get_post_for` returned for this viewer)."""
    post = post_id if isinstance(post_id, Post) else get_post_for(viewer, post_id)
    return list(post.revisions.select_related("edited_by"))


def get_attachment_for(viewer: Viewer, attachment_id: Any) -> Attachment:
    aid = id_or_not_found(attachment_id, "attachment")
    att = (
        Attachment.objects.filter(pk=aid, post__in=readable_posts_for(viewer))
        .select_related("post")
        .first()
    )
    if att is None:
        raise NotFound(f"No attachment {aid}.")
    return att


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


def active_member_ids(workspace_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=workspace_id, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )
