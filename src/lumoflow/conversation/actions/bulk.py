"""The bulk paths of the demo generator and the importers: batched INSERTs in one
transaction, the same events as the single actions, no notifications."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from lumoflow.activity.actions import EventRow, record_many
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Invalid
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Membership, MembershipStatus, Objective, Workspace

from .. import markdown
from ..models import EMOJIS, Hashtag, IdeaStatus, Kind, Mention, Post, Reaction
from .common import (
    _PLAIN,
    _max_chars,
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
    out = {}
    for chunk in _chunks(sorted(ids), 900):
        rows = Post.objects.filter(pk__in=chunk).values_list(
            "pk", "workspace_id", "thread_id", "author_id"
        )
        out.update({pk: (w, t, a) for pk, w, t, a in rows})
    return out


def _chunks(seq: Sequence[Any], n: int) -> Any:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _validate_rows(rows: Sequence[PostRow]) -> dict[int, tuple[int, int | None, int]]:
    ws_ids = {r.workspace_id for r in rows}
    archived = set(
        Workspace.objects.filter(pk__in=ws_ids, archived_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    known_ws = set(Workspace.objects.filter(pk__in=ws_ids).values_list("pk", flat=True))
    members = _active_pairs({r.author_id for r in rows}, ws_ids)
    parents = _parents({r.parent_id for r in rows if r.parent_id is not None})
    objectives = set(
        Objective.objects.filter(workspace_id__in=ws_ids).values_list("pk", "workspace_id")
    )
    limit = _max_chars()
    for i, r in enumerate(rows):
        if r.workspace_id not in known_ws:
            raise _bad(i, f"no workspace {r.workspace_id}")
        if r.workspace_id in archived:
            raise _bad(i, f"workspace {r.workspace_id} is archived")
        if (r.author_id, r.workspace_id) not in members:
            raise _bad(i, f"person {r.author_id} is not an active member of {r.workspace_id}")
        if not r.body.strip() or len(r.body.strip()) > limit:
            raise _bad(i, f"body must have 1 to {limit} characters")
        if r.at.tzinfo is None:
            raise _bad(i, "timestamp without time zone")
        if r.parent_id is None and r.kind not in Kind.values:
            raise _bad(i, f"unknown kind {r.kind!r}")
        if r.parent_id is not None:
            p = parents.get(r.parent_id)
            if p is None or p[0] != r.workspace_id:
                raise _bad(i, f"parent {r.parent_id} is not a post in workspace {r.workspace_id}")
        if r.objective_id is not None and (r.objective_id, r.workspace_id) not in objectives:
            raise _bad(i, f"objective {r.objective_id} is not in workspace {r.workspace_id}")
    return parents


def _bulk_refs(rows: Sequence[PostRow], posts: list[Post], parsed: list[Any]) -> list[EventRow]:
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
            mentions.append(Mention(post_id=post.pk, user_id=uid))
            events.append(_event(Verb.MENTION, r, post, target=uid))
        tags += [Hashtag(post_id=post.pk, tag=t) for t in hashtags]
    Mention.objects.bulk_create(mentions, batch_size=2000)
    Hashtag.objects.bulk_create(tags, batch_size=2000)
    return events


def _event(verb: str, r: PostRow, post: Post, *, target: int | None) -> EventRow:
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


@transaction.atomic
def bulk_create_posts(rows: Sequence[PostRow], *, batch_size: int = 1000) -> list[int]:
    """Create many posts and replies at once (demo, imports): all or nothing.

    Validates every row first (active member, workspace exists and is not archived, parent in the
    same workspace, body length, kind) and raises `Invalid` naming the row index. Records the same
    events as `create_post`/`create_reply`; sends no notifications. Returns ids in input order.
    """
    rows = list(rows)
    if not rows:
        return []
    parents = _validate_rows(rows)
    User = get_user_model()
    parsed: list[tuple[dict[str, int], list[str]]] = []
    names_all = set()
    extracted = []
    for r in rows:
        names, tags = (
            markdown.extract(r.body.strip()) if ("@" in r.body or "#" in r.body) else ([], [])
        )
        extracted.append((names, tags))
        names_all.update(names)
    people_ids = (
        dict(
            User.objects.filter(username__in=names_all, is_active=True).values_list(
                "username", "pk"
            )
        )
        if names_all
        else {}
    )
    posts = []
    for r, (names, tags) in zip(rows, extracted, strict=True):
        body = r.body.strip()
        people = {n: people_ids[n] for n in names if n in people_ids}
        body_html = (
            markdown.render(body, known_people=people)
            if names or tags or not _PLAIN.fullmatch(body)
            else f"<p>{html.escape(body, quote=False)}</p>\n"
        )
        parsed.append((people, tags))
        p = parents.get(r.parent_id) if r.parent_id is not None else None
        posts.append(
            Post(
                workspace_id=r.workspace_id,
                author_id=r.author_id,
                parent_id=r.parent_id,
                thread_id=(p[1] or r.parent_id) if p else None,
                kind="" if p else r.kind,
                body=body,
                body_html=body_html,
                objective_id=r.objective_id if not p else None,
                created_at=r.at,
                idea_status=IdeaStatus.NEW if not p and r.kind == Kind.IDEA else "",
            )
        )
    Post.objects.bulk_create(posts, batch_size=batch_size)
    events = []
    for r, post in zip(rows, posts, strict=True):
        if r.parent_id is None:
            events.append(_event(Verb.POST, r, post, target=None))
        else:
            events.append(_event(Verb.REPLY, r, post, target=parents[r.parent_id][2]))
    events += _bulk_refs(rows, posts, parsed)
    record_many(events)
    _recount_replies({p.thread_id for p in posts if p.thread_id})
    return [p.pk for p in posts]


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
    objs, keep = [], []
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
        objs.append(Reaction(post_id=r.post_id, user_id=r.actor_id, emoji=r.emoji, created_at=r.at))
        keep.append((r, p))
    Reaction.objects.bulk_create(objs, batch_size=2000)
    record_many(
        EventRow(
            actor_id=r.actor_id,
            verb=Verb.REACTION,
            ts=r.at,
            workspace_id=p[0],
            object_type="reaction",
            object_id=str(o.pk),
            parent_id=str(r.post_id),
            thread_id=str(p[1] or r.post_id),
            target_actor_id=p[2],
            text=r.emoji,
        )
        for o, (r, p) in zip(objs, keep, strict=True)
    )
    return len(objs)


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
    facilitators = set(
        Membership.objects.filter(
            workspace_id__in={v[0] for v in info.values()},
            status=MembershipStatus.ACTIVE,
            role__in=ws_queries.FACILITATE_ROLES,
        ).values_list("user_id", "workspace_id")
    )
    events = []
    for i, (actor_id, qid, rid, at) in enumerate(rows):
        q, r = info.get(qid), info.get(rid)
        if q is None or q[1] is not None or q[3] != Kind.QUESTION:
            raise _bad(i, f"{qid} is not a question")
        if r is None or r[1] != qid:
            raise _bad(i, f"{rid} is not a reply to question {qid}")
        if actor_id != q[2] and (actor_id, q[0]) not in facilitators:
            raise _bad(i, f"person {actor_id} may not accept answers to {qid}")
        Post.objects.filter(pk=qid).update(accepted_answer_id=rid)
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
    record_many(events)
    return len(events)
