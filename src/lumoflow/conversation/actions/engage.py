"""Reactions, accepted answers, idea status, follows, and views."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lumoflow.activity.actions import record, record_views
from lumoflow.activity.models import ActivityEvent, Verb
from lumoflow.core import limits
from lumoflow.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from lumoflow.core.oncommit import publish
from lumoflow.core.validation import FieldErrors
from lumoflow.people.models import User, Viewer
from lumoflow.workspaces import queries as ws_queries

from .. import queries
from ..models import EMOJIS, Follow, IdeaStatus, Kind, Post, Reaction
from .common import (
    TOPIC,
    _still_visible,
    _writable_workspace,
)


def _check_emoji(emoji: str) -> None:
    if emoji not in EMOJIS:
        raise Invalid(
            f"Unknown reaction {emoji!r}.",
            errors={"emoji": [f"Must be one of: {' '.join(EMOJIS)}."]},
        )


@transaction.atomic
def add_reaction(actor: User, post_id: Any, *, emoji: str, at: datetime | None = None) -> Reaction:
    """React to a post or reply. Active members only; the same emoji twice is a Conflict."""
    post = queries.get_post_for(actor, post_id)
    _writable_workspace(actor, post.workspace, "react", lock=True)
    _check_emoji(emoji)
    now = at or timezone.now()
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, user=actor, emoji=emoji, created_at=now)
    except IntegrityError:
        raise Conflict(f"You already reacted {emoji} to this post.")
    record(
        actor,
        Verb.REACTION,
        workspace=post.workspace,
        obj=reaction,
        parent=post,
        thread=post.thread_id or post.pk,
        target_actor=post.author,
        text=emoji,
        ts=now,
    )
    return reaction


@transaction.atomic
def remove_reaction(actor: User, post_id: Any, *, emoji: str) -> None:
    """Take one's reaction back (recorded as a `delete` of the reaction)."""
    post = queries.get_post_for(actor, post_id)
    _check_emoji(emoji)
    reaction = Reaction.objects.filter(post=post, user=actor, emoji=emoji).first()
    # Deleted by id and counted: of two removals at once, the second waits and finds it gone.
    if reaction is None or not Reaction.objects.filter(pk=reaction.pk).delete()[0]:
        raise NotFound(f"You have not reacted {emoji} to this post.")
    record(
        actor,
        Verb.DELETE,
        workspace=post.workspace,
        obj=reaction,
        parent=post,
        thread=post.thread_id or post.pk,
        text=emoji,
    )


# ------------------------------------------------------------------ questions, ideas
@transaction.atomic
def accept_answer(
    actor: User, question_id: Any, *, reply_id: Any, at: datetime | None = None
) -> Post:
    """Accept a reply as the answer. The asker or a workspace facilitator/owner only."""
    question = queries.get_post_for(actor, question_id)
    if question.is_reply or question.kind != Kind.QUESTION:
        raise Conflict("Only a question can have an accepted answer.")
    role = ws_queries.role_of(actor, question.workspace)
    if not queries.may_accept_answer(actor, question, role):
        raise PermissionDenied("Only the person who asked, or a facilitator, accepts an answer.")
    try:
        reply = queries.get_post_for(actor, reply_id)
    except NotFound:
        raise Invalid("No such reply.", errors={"reply_id": ["No such reply in this thread."]})
    if reply.thread_id != question.pk:
        raise Invalid("Not a reply to this question.", errors={"reply_id": ["Not in this thread."]})
    # Locked until commit, so that deleting or hiding it waits and then clears the answer.
    if not list(_still_visible(reply.pk).select_for_update().values_list("pk", flat=True)):
        raise Invalid("No such reply.", errors={"reply_id": ["No such reply in this thread."]})
    now = at or timezone.now()
    question.accepted_answer = reply
    question.save(update_fields=["accepted_answer"])
    record(
        actor,
        Verb.ACCEPT_ANSWER,
        workspace=question.workspace,
        obj=reply,
        parent=question,
        thread=question,
        target_actor=reply.author,
        kind=Kind.QUESTION,
        ts=now,
    )
    publish(TOPIC, event="accepted", post_id=reply.pk, actor_id=actor.pk, mentioned=[])
    return question


@transaction.atomic
def set_idea_status(
    actor: User, post_id: Any, *, status: str, note: str = "", at: datetime | None = None
) -> Post:
    """Set an idea's status with a note. Workspace owners and facilitators only."""
    post = queries.get_post_for(actor, post_id)
    if post.is_reply or post.kind != Kind.IDEA:
        raise Conflict("Only an idea has a status.")
    ws_queries.require_role(actor, post.workspace, ws_queries.FACILITATE_ROLES, "set idea status")
    with FieldErrors() as errs:
        if status not in IdeaStatus.values:
            errs.add("status", f"Must be one of: {', '.join(IdeaStatus.values)}.")
        note = errs.limit("note", note, limits.IDEA_STATUS_NOTE)
    now = at or timezone.now()
    post.idea_status, post.idea_note = status, note
    post.save(update_fields=["idea_status", "idea_note"])
    record(
        actor,
        Verb.IDEA_STATUS,
        workspace=post.workspace,
        obj=post,
        thread=post,
        target_actor=post.author,
        kind=Kind.IDEA,
        text=f"{status}: {note}" if note else status,
        ts=now,
    )
    publish(TOPIC, event="idea_status", post_id=post.pk, actor_id=actor.pk, mentioned=[])
    return post


# -------------------------------------------------------------------------- follows
def _follow_target(actor: User, username: str | None, workspace_id: Any) -> tuple[Any, Any]:
    if bool(username) == (workspace_id is not None):
        raise Invalid(
            "Follow either a person or a workspace.",
            errors={"username": ["Give a username or a workspace_id, not both."]},
        )
    if username:
        with FieldErrors() as errs:
            errs.storable("username", username)
        User = get_user_model()
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise NotFound(f"No person '{username}'.")
        if person.pk == actor.pk:
            raise Invalid("You cannot follow yourself.", errors={"username": ["That is you."]})
        return person, None
    return None, ws_queries.get_workspace_for(actor, workspace_id)


@transaction.atomic
def follow(
    actor: User, *, username: str | None = None, workspace_id: int | str | None = None
) -> Follow:
    """Follow a person or a workspace one may see. Following twice is a Conflict."""
    person, ws = _follow_target(actor, username, workspace_id)
    now = timezone.now()
    try:
        with transaction.atomic():
            f = Follow.objects.create(follower=actor, person=person, workspace=ws, created_at=now)
    except IntegrityError:
        raise Conflict("You already follow that.")
    record(
        actor,
        Verb.FOLLOW,
        workspace=ws,
        object_type="user" if person else "workspace",
        object_id=str(person.pk if person else ws.pk),
        target_actor=person,
        ts=now,
    )
    return f


@transaction.atomic
def unfollow(
    actor: User, *, username: str | None = None, workspace_id: int | str | None = None
) -> None:
    person, ws = _follow_target(actor, username, workspace_id)
    deleted, _ = Follow.objects.filter(follower=actor, person=person, workspace=ws).delete()
    if not deleted:
        raise NotFound("You do not follow that.")
    record(
        actor,
        Verb.UNFOLLOW,
        workspace=ws,
        object_type="user" if person else "workspace",
        object_id=str(person.pk if person else ws.pk),
        target_actor=person,
    )


# ------------------------------------------------------------------------ bulk paths
def _record_views_on() -> bool:
    default = os.environ.get("LUMOFLOW_RECORD_VIEWS", "1") != "0"
    return bool(getattr(settings, "LUMOFLOW_RECORD_VIEWS", default))


def _not_seen_today(viewer: Viewer, rows: list[Any]) -> list[Any]:
    """Drop the views already recorded today: a read (no write lock) instead of a write that the
    unique key would ignore. A race between two pages is still settled by that key."""
    if not rows:
        return []
    types = sorted({otype for _, otype, _ in rows})
    ids = sorted({str(oid) for _, _, oid in rows})
    # The verb is written into the SQL (not bound) so that SQLite may use the partial unique
    # index on views (actor, object_type, object_id, day) WHERE verb = 'view'.
    table = ActivityEvent._meta.db_table
    if connection.vendor == "sqlite":  # its planner would otherwise pick the (verb, ts) index
        table += " INDEXED BY activity_one_view_per_day"
    sql = (
        f"SELECT object_type, object_id FROM {table} "
        f"WHERE verb = '{Verb.VIEW.value}' AND actor_id = %s AND day = %s "
        f"AND object_type IN ({', '.join(['%s'] * len(types))}) "
        f"AND object_id IN ({', '.join(['%s'] * len(ids))})"
    )
    day = connection.ops.adapt_datefield_value(timezone.now().date())
    with connection.cursor() as cur:
        cur.execute(sql, [viewer.pk, day, *types, *ids])
        seen = set(cur.fetchall())
    return [r for r in rows if (r[1], str(r[2])) not in seen]


ViewKey = tuple[int, str, str, Any]


class _RecordedToday:
    """The views this process knows are recorded today, so that a page read again costs no query.

    A key is (viewer, object type, object id, the object's creation time): ids come back when a
    database is emptied and filled again (tests, a restore), creation times practically never.
    Keys are added once the write (or the read that found them) is committed; the set is emptied
    when the day changes or it grows past `limit`. Each worker process keeps its own.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._day: date | None = None
        self._keys: set[ViewKey] = set()
        self._lock = threading.Lock()

    def unknown(self, day: date, keys: list[ViewKey]) -> list[int]:
        """Positions of the keys not known to be recorded on `day`."""
        with self._lock:
            if day != self._day:
                return list(range(len(keys)))
            return [i for i, k in enumerate(keys) if k not in self._keys]

    def add(self, day: date, keys: list[ViewKey]) -> None:
        with self._lock:
            if day != self._day or len(self._keys) + len(keys) > self.limit:
                self._day, self._keys = day, set()
            self._keys.update(keys)


_recorded_today = _RecordedToday()


def _created(obj: Any) -> Any:
    """The object's creation time when it was loaded (never a query for a deferred field)."""
    return getattr(obj, "__dict__", {}).get("created_at")


def _post_created(post: Any) -> Any:
    """A post's creation time, or its workspace's for a stand-in that carries only ids."""
    return _created(post) or _created(post.__dict__.get("workspace"))


def record_post_views(viewer: Viewer, posts: Sequence[Any], *, also: Sequence[Any] = ()) -> None:
    """Record that the viewer saw these posts: one batched statement, once per person, post, day.

    Called after the page or answer is built, with `also` other (workspace, type, id) views of
    the same page. A post needs `pk`, `workspace_id` and, when loaded, `created_at`. Views this
    process already knows are recorded today cost no query; the others are looked up, and the
    missing ones written. `LUMOFLOW_RECORD_VIEWS = False` (or the environment variable set to 0)
    turns off recording post views.
    """
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        return
    rows = list(also)
    keys = [(viewer.pk, otype, str(oid), _created(ws)) for ws, otype, oid in also]
    if _record_views_on():
        rows += [(p.workspace_id, "post", p.pk) for p in posts]
        keys += [(viewer.pk, "post", str(p.pk), _post_created(p)) for p in posts]
    day = timezone.now().date()
    fresh = _not_seen_today(viewer, [rows[i] for i in _recorded_today.unknown(day, keys)])
    if fresh:
        _write_views(viewer, fresh)
    if rows:
        transaction.on_commit(lambda: _recorded_today.add(day, keys))


# SQLite lets one writer in at a time and makes the others sleep (1 ms, 2 ms, 5 ms, ...) before
# they try again: the threads of one process wait their turn for view writes at a lock instead.
_SQLITE_VIEW_WRITER = threading.Lock()


def _write_views(viewer: Viewer, rows: list[Any]) -> None:
    # Views are counted once a day and cost a page an fsync each: in a transaction of their own
    # they are committed without waiting for the disk; a crash may lose the last few, never
    # corrupt anything (PostgreSQL's asynchronous commit, SQLite's WAL with synchronous=NORMAL).
    if connection.in_atomic_block or connection.vendor not in ("sqlite", "postgresql"):
        record_views(viewer, rows)
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL synchronous_commit TO OFF")
            record_views(viewer, rows)
        return
    with _SQLITE_VIEW_WRITER, connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        level = cur.fetchone()[0]
        cur.execute("PRAGMA synchronous=NORMAL")
        try:
            record_views(viewer, rows)
        finally:
            cur.execute(f"PRAGMA synchronous={int(level)}")
