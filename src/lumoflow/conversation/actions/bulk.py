"""The bulk paths of the demo generator and the importers: batched INSERTs in one
transaction, the same events as the single actions, no notifications (except an idea's status:
`bulk_set_idea_status` tells the idea's author after commit, as `set_idea_status` does)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from lumoflow.activity.actions import EventRow, record_many
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import Invalid
from lumoflow.core.oncommit import publish
from lumoflow.core.validation import text_problem
from lumoflow.search import index
from lumoflow.search.documents import post_row_doc
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Membership, MembershipStatus, Objective, Workspace

from .. import markdown
from ..models import EMOJIS, Hashtag, IdeaStatus, Kind, Mention, Post, Reaction
from .common import (
    _PLAIN,
    TOPIC,
)


@dataclass(frozen=True)
class PostRow:
    author_id: int
    workspace_id: int
    body: str
    at: datetime
    kind: str = "update"
    parent_id: int | None = None
    objective_id: int | None = None


@dataclass(frozen=True)
class ReactionRow:
    actor_id: int
    post_id: int
    emoji: str
    at: datetime


def _bad(i: int, message: str) -> Invalid:
    return Invalid(f"row {i}: {message}", errors={"rows": [f"row {i}: {message}"]})


def _active_pairs(user_ids: set[int], ws_ids: set[int]) -> set[tuple[int, int]]:
    pairs = Membership.objects.filter(
        user_id__in=user_ids,
        workspace_id__in=ws_ids,
        status=MembershipStatus.ACTIVE,
        user__is_active=True,
    ).values_list("user_id", "workspace_id")
    return set(pairs)


def _parents(ids: set[int]) -> dict[int, tuple[int, int | None, int]]:
    """id -> (workspace_id, thread_id, author_id) of existing posts."""
    out: dict[int, tuple[int, int | None, int]] = {}
    for chunk in _chunks(sorted(ids), 900):
        rows = Post.objects.filter(pk__in=chunk).values_list(
            "pk", "workspace_id", "thread_id", "author_id"
        )
        out.update({pk: (w, t, a) for pk, w, t, a in rows})
    return out


def _chunks(seq: Sequence[Any], n: int) -> Any:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    batch_size: int = 1000,
) -> list[int]:
    """INSERT `rows` (values of `fields`, ready for the driver) with every other column at its
    default, in as few statements as the database takes; return the new ids in row order.

    The ORM's `bulk_create` spent most of its time building and preparing one model instance
    per row; the bulk paths already hold plain values. Like `bulk_create`, no signals are sent
    and the ids come from `RETURNING` (SQLite 3.35+, PostgreSQL).
    """
    meta = model._meta
    by_name = {f.name: f for f in meta.concrete_fields}
    given = [by_name[f] for f in fields]
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    qn = connection.ops.quote_name
    pk, *_ = (cast(str, f.column) for f in meta.concrete_fields if f.primary_key)
    columns = ", ".join(qn(cast(str, f.column)) for f in (*given, *rest))
    one = f"({', '.join(['%s'] * (len(given) + len(rest)))})"
    size = min(connection.ops.bulk_batch_size([*given, *rest], rows) or batch_size, batch_size)
    ids: list[int] = []
    with connection.cursor() as cur:
        for chunk in _chunks(rows, max(size, 1)):
            values = ", ".join([one] * len(chunk))
            cur.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {values} RETURNING {qn(pk)}",
                [v for row in chunk for v in (*row, *defaults)],
            )
            ids += [pk for (pk,) in cur.fetchall()]
    return ids


def _is_announcement(r: PostRow) -> bool:
    return r.parent_id is None and r.kind == Kind.ANNOUNCEMENT


def _announcers(rows: Sequence[PostRow], ws_ids: set[int]) -> set[tuple[int, int]]:
    """(author, workspace) pairs of the announcement rows whose author may announce there: an
    owner or facilitator, or any member where the workspace opens announcements to all (the rule
    of `create_post`, `ws_queries.may_announce`)."""
    wanted = {(r.author_id, r.workspace_id) for r in rows if _is_announcement(r)}
    if not wanted:
        return set()
    open_ws = set(
        Workspace.objects.filter(pk__in=ws_ids, announcements_by_members=True).values_list(
            "pk", flat=True
        )
    )
    roles = Membership.objects.filter(
        user_id__in={u for u, _ in wanted},
        workspace_id__in={w for _, w in wanted},
        status=MembershipStatus.ACTIVE,
    ).values_list("user_id", "workspace_id", "role")
    return {
        (u, w)
        for u, w, role in roles
        if (u, w) in wanted and (w in open_ws or role in ws_queries.FACILITATE_ROLES)
    }


def _validate_rows(rows: Sequence[PostRow]) -> dict[int, tuple[int, int | None, int]]:
    ws_ids = {r.workspace_id for r in rows}
    known_ws = set(Workspace.objects.filter(pk__in=ws_ids).values_list("pk", flat=True))
    members = _active_pairs({r.author_id for r in rows}, ws_ids)
    parents = _parents({r.parent_id for r in rows if r.parent_id is not None})
    objectives = set(
        Objective.objects.filter(workspace_id__in=ws_ids).values_list("pk", "workspace_id")
    )
    limit, kinds = limits.post_body(), set(Kind.values)
    announcers = _announcers(rows, ws_ids)
    for i, r in enumerate(rows):
        if r.workspace_id not in known_ws:
            raise _bad(i, f"no workspace {r.workspace_id}")
        if (r.author_id, r.workspace_id) not in members:
            raise _bad(i, f"person {r.author_id} is not an active member of {r.workspace_id}")
        if not r.body.strip() or len(r.body.strip()) > limit:
            raise _bad(i, f"body must have 1 to {limit} characters")
        if (problem := text_problem(r.body)) is not None:
            raise _bad(i, f"body: {problem}")
        if r.at.tzinfo is None:
            raise _bad(i, "timestamp without time zone")
        if r.parent_id is None and r.kind not in kinds:
            raise _bad(i, f"unknown kind {r.kind!r}")
        if _is_announcement(r) and (r.author_id, r.workspace_id) not in announcers:
            raise _bad(i, "only owners and facilitators may post announcements in this workspace")
        if r.parent_id is not None:
            p = parents.get(r.parent_id)
            if p is None or p[0] != r.workspace_id:
                raise _bad(i, f"parent {r.parent_id} is not a post in workspace {r.workspace_id}")
        if r.objective_id is not None and (r.objective_id, r.workspace_id) not in objectives:
            raise _bad(i, f"objective {r.objective_id} is not in workspace {r.workspace_id}")
    return parents


class _Saved(NamedTuple):
    """What the events of a post need once it is inserted."""

    pk: int
    parent_id: int | None
    thread_id: int | None
    kind: str


_POST_FIELDS = (
    "workspace", "author", "parent", "thread", "kind", "body", "body_html", "objective",
    "created_at", "idea_status",
)  # fmt: skip


def _bulk_refs(rows: Sequence[PostRow], posts: list[_Saved], parsed: list[Any]) -> list[EventRow]:
    """Mentions and hashtags of bulk posts; returns the mention events."""
    pairs = {
        (u, r.workspace_id)
        for r, (people, _) in zip(rows, parsed, strict=True)
        for u in people.values()
    }
    ws_vis = dict(
        Workspace.objects.filter(pk__in={w for _, w in pairs}).values_list("pk", "visibility")
    )
    members = _active_pairs({u for u, _ in pairs}, set(ws_vis)) if pairs else set()
    mentions, tags, events = [], [], []
    for r, post, (people, hashtags) in zip(rows, posts, parsed, strict=True):
        for uid in dict.fromkeys(people.values()):
            readable = ws_vis.get(r.workspace_id) == "public" or (uid, r.workspace_id) in members
            if uid == r.author_id or not readable:
                continue
            mentions.append((post.pk, uid))
            events.append(_event(Verb.MENTION, r, post, target=uid))
        tags += [(post.pk, t) for t in hashtags]
    _insert(Mention, ("post", "user"), mentions, batch_size=2000)
    _insert(Hashtag, ("post", "tag"), tags, batch_size=2000)
    return events


def _event(verb: str, r: PostRow, post: _Saved, *, target: int | None) -> EventRow:
    return EventRow(
        actor_id=r.author_id,
        verb=verb,
        ts=r.at,
        workspace_id=r.workspace_id,
        object_type="post",
        object_id=str(post.pk),
        parent_id=str(post.parent_id or ""),
        thread_id=str(post.thread_id or post.pk),
        target_actor_id=target,
        kind=post.kind,
        text=r.body.strip() if verb != Verb.MENTION else "",
    )


def _recount_replies(root_ids: set[int]) -> None:
    counts = (
        Post.objects.filter(thread_id=OuterRef("pk"), deleted_at=None, hidden_at=None)
        .order_by()
        .values("thread_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    for chunk in _chunks(sorted(root_ids), 500):
        Post.objects.filter(pk__in=chunk).update(reply_count=Coalesce(Subquery(counts), Value(0)))


def _mentioned_people(bodies: list[str]) -> list[tuple[dict[str, int], list[str]]]:
    """(known people mentioned by username -> id, hashtags) of each body."""
    refs = [markdown.extract(b) if "@" in b or "#" in b else ([], []) for b in bodies]
    names = {n for mentioned, _ in refs for n in mentioned}
    User = get_user_model()
    ids = (
        dict(User.objects.filter(username__in=names, is_active=True).values_list("username", "pk"))
        if names
        else {}
    )
    return [({n: ids[n] for n in mentioned if n in ids}, tags) for mentioned, tags in refs]


def _body_html(body: str, people: dict[str, int]) -> str:
    if not _PLAIN.fullmatch(body):  # a mention or a hashtag is never plain
        return markdown.render(body, known_people=people)
    return f"<p>{html.escape(body, quote=False)}</p>\n"


def _post_values(
    r: PostRow, body: str, people: dict[str, int], parent: tuple[int, int | None, int] | None
) -> tuple[Any, ...]:
    """The values of `_POST_FIELDS` for a new post, or a reply when `parent` is given."""
    return (
        r.workspace_id,
        r.author_id,
        r.parent_id,
        None if parent is None else (parent[1] or r.parent_id),
        r.kind if parent is None else "",
        body,
        _body_html(body, people),
        r.objective_id if parent is None else None,
        connection.ops.adapt_datetimefield_value(r.at),
        IdeaStatus.NEW if parent is None and r.kind == Kind.IDEA else "",
    )


@transaction.atomic
def bulk_create_posts(rows: Sequence[PostRow], *, batch_size: int = 1000) -> list[int]:
    """Create many posts and replies at once (demo, imports): all or nothing.

    Validates every row first (active member, workspace exists, parent in the same workspace, body
    length, kind) and raises `Invalid` naming the row index; an archived workspace is a Conflict
    (`activity.record_many`). Records the same
    events as `create_post`/`create_reply`; sends no notifications. Returns ids in input order.
    """
    rows = list(rows)
    if not rows:
        return []
    parents = _validate_rows(rows)
    bodies = [r.body.strip() for r in rows]
    parsed = _mentioned_people(bodies)
    values = [
        _post_values(r, body, people, parents.get(r.parent_id) if r.parent_id else None)
        for r, body, (people, _) in zip(rows, bodies, parsed, strict=True)
    ]
    ids = _insert(Post, _POST_FIELDS, values, batch_size=batch_size)
    posts = [_Saved(pk, v[2], v[3], v[4]) for pk, v in zip(ids, values, strict=True)]
    events = [
        _event(Verb.POST, r, post, target=None)
        if r.parent_id is None
        else _event(Verb.REPLY, r, post, target=parents[r.parent_id][2])
        for r, post in zip(rows, posts, strict=True)
    ]
    events += _bulk_refs(rows, posts, parsed)
    record_many(events)
    index.put_many(
        post_row_doc(
            pk,
            workspace_id=r.workspace_id,
            author_id=r.author_id,
            is_reply=r.parent_id is not None,
            body=body,
            at=r.at,
        )
        for pk, r, body in zip(ids, rows, bodies, strict=True)
    )
    _recount_replies({p.thread_id for p in posts if p.thread_id})
    return ids


@transaction.atomic
def bulk_add_reactions(rows: Sequence[ReactionRow]) -> int:
    """Add many reactions at once (all or nothing); a repeat of an existing one is skipped."""
    rows = list(rows)
    if not rows:
        return 0
    posts = _parents({r.post_id for r in rows})
    members = _active_pairs({r.actor_id for r in rows}, {w for w, _, _ in posts.values()})
    seen: set[tuple[int, int, str]] = set()
    for chunk in _chunks(sorted(posts), 900):
        seen.update(
            (p, u, e)
            for p, u, e in Reaction.objects.filter(post_id__in=chunk).values_list(
                "post_id", "user_id", "emoji"
            )
        )
    keep = []
    for i, r in enumerate(rows):
        if r.emoji not in EMOJIS:
            raise _bad(i, f"unknown reaction {r.emoji!r}")
        p = posts.get(r.post_id)
        if p is None:
            raise _bad(i, f"no post {r.post_id}")
        if (r.actor_id, p[0]) not in members:
            raise _bad(i, f"person {r.actor_id} is not an active member of {p[0]}")
        key = (r.post_id, r.actor_id, r.emoji)
        if key in seen:
            continue
        seen.add(key)
        keep.append((r, p))
    adapt = connection.ops.adapt_datetimefield_value
    ids = _insert(
        Reaction,
        ("post", "user", "emoji", "created_at"),
        [(r.post_id, r.actor_id, r.emoji, adapt(r.at)) for r, _ in keep],
        batch_size=2000,
    )
    record_many(
        EventRow(
            actor_id=r.actor_id,
            verb=Verb.REACTION,
            ts=r.at,
            workspace_id=p[0],
            object_type="reaction",
            object_id=str(pk),
            parent_id=str(r.post_id),
            thread_id=str(p[1] or r.post_id),
            target_actor_id=p[2],
            text=r.emoji,
        )
        for pk, (r, p) in zip(ids, keep, strict=True)
    )
    return len(ids)


def _facilitators(ws_ids: set[int]) -> set[tuple[int, int]]:
    """(person, workspace) for the active owners and facilitators of these workspaces."""
    return set(
        Membership.objects.filter(
            workspace_id__in=ws_ids,
            status=MembershipStatus.ACTIVE,
            role__in=ws_queries.FACILITATE_ROLES,
        ).values_list("user_id", "workspace_id")
    )


def _update_posts(fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Set `fields` of many posts, one row (new values, then the post id) each, in row order."""
    qn = connection.ops.quote_name
    column = {f.name: cast(str, f.column) for f in Post._meta.concrete_fields}
    sets = ", ".join(f"{qn(column[f])} = %s" for f in fields)
    with connection.cursor() as cur:
        table, pk = qn(Post._meta.db_table), qn(column["id"])
        cur.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)


@transaction.atomic
def bulk_accept_answers(rows: Sequence[tuple[int, int, int, datetime]]) -> int:
    """Accept many answers at once: (actor_id, question_id, reply_id, at). All or nothing."""
    rows = list(rows)
    if not rows:
        return 0
    info: dict[int, tuple[int, int | None, int, str]] = {}
    for chunk in _chunks(sorted({q for _, q, _, _ in rows} | {r for _, _, r, _ in rows}), 900):
        fields = ("pk", "workspace_id", "thread_id", "author_id", "kind")
        for pk, ws, thread, author, kind in Post.objects.filter(pk__in=chunk).values_list(*fields):
            info[pk] = (ws, thread, author, kind)
    facilitators = _facilitators({v[0] for v in info.values()})
    events = []
    for i, (actor_id, qid, rid, at) in enumerate(rows):
        q, r = info.get(qid), info.get(rid)
        if q is None or q[1] is not None or q[3] != Kind.QUESTION:
            raise _bad(i, f"{qid} is not a question")
        if r is None or r[1] != qid:
            raise _bad(i, f"{rid} is not a reply to question {qid}")
        if actor_id != q[2] and (actor_id, q[0]) not in facilitators:
            raise _bad(i, f"person {actor_id} may not accept answers to {qid}")
        events.append(
            EventRow(
                actor_id=actor_id,
                verb=Verb.ACCEPT_ANSWER,
                ts=at,
                workspace_id=q[0],
                object_type="post",
                object_id=str(rid),
                parent_id=str(qid),
                thread_id=str(qid),
                target_actor_id=r[2],
                kind=Kind.QUESTION,
            )
        )
    _update_posts(("accepted_answer",), [(rid, qid) for _, qid, rid, _ in rows])
    record_many(events)
    return len(events)


@dataclass(frozen=True)
class IdeaStatusRow:
    actor_id: int
    post_id: int
    status: str
    at: datetime
    note: str = ""


@transaction.atomic
def bulk_set_idea_status(rows: Sequence[IdeaStatusRow]) -> int:
    """Set the status of many ideas at once, as `set_idea_status` would row by row: all or nothing.

    Each actor must be an active owner or facilitator of the idea's workspace; the idea a visible
    root post of kind idea. Records the same events and publishes the changes as one batch, so
    that each idea's author is notified after commit (in one transaction). Returns the row count.
    """
    rows = list(rows)
    if not rows:
        return 0
    ideas = {
        pk: (ws, author)
        for chunk in _chunks(sorted({r.post_id for r in rows}), 900)
        for pk, ws, author in Post.objects.filter(
            pk__in=chunk, parent=None, kind=Kind.IDEA, deleted_at=None, hidden_at=None
        ).values_list("pk", "workspace_id", "author_id")
    }
    deciders = _facilitators({ws for ws, _ in ideas.values()})
    events, updates = [], []
    for i, r in enumerate(rows):
        idea, note = ideas.get(r.post_id), r.note.strip()
        if idea is None:
            raise _bad(i, f"{r.post_id} is not an idea")
        if (r.actor_id, idea[0]) not in deciders:
            raise _bad(i, f"person {r.actor_id} may not set the status of idea {r.post_id}")
        if r.status not in IdeaStatus.values or len(note) > limits.IDEA_STATUS_NOTE:
            raise _bad(i, f"status {r.status!r} with a note of {len(note)} characters")
        if (problem := text_problem(note)) is not None:
            raise _bad(i, f"note: {problem}")
        events.append(
            EventRow(
                actor_id=r.actor_id,
                verb=Verb.IDEA_STATUS,
                ts=r.at,
                workspace_id=idea[0],
                object_type="post",
                object_id=str(r.post_id),
                thread_id=str(r.post_id),
                target_actor_id=idea[1],
                kind=Kind.IDEA,
                text=f"{r.status}: {note}" if note else r.status,
            )
        )
        updates.append((r.status, note, r.post_id))
    _update_posts(("idea_status", "idea_note"), updates)
    record_many(events)
    publish(TOPIC, event="idea_status", batch=[(r.post_id, r.actor_id) for r in rows])
    return len(rows)
