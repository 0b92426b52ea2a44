"""Every write to posts, replies, reactions, answers, idea status, follows and attachments.

Each action fetches what it changes through `queries` (so "not found" and "not allowed" are one
check), validates, writes and records its ActivityEvent in one transaction. Notifications hang
off the topics published here and run after commit (`lumoflow.notifications`).

The `bulk_*` functions serve the demo generator and the importers: batched INSERTs in one
transaction, the same events as the single actions, no notifications.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lumoflow.activity.actions import EventRow, record, record_many, record_views
from lumoflow.activity.models import Verb
from lumoflow.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from lumoflow.core.oncommit import publish
from lumoflow.core.validation import FieldErrors
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Membership, MembershipStatus, Objective, Workspace

from . import markdown, queries
from .attachments import check_file, store_attachment
from .models import EMOJIS, Follow, Hashtag, IdeaStatus, Kind, Mention, Post, Reaction

TOPIC = "conversation"
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'?!;:()/-]*")


# ------------------------------------------------------------------------ helpers
def _max_chars() -> int:
    return int(settings.LUMOFLOW_MAX_POST_CHARS)


def _check_body(errs: FieldErrors, body: Any) -> str:
    return errs.require("body", body if isinstance(body, str) else "", max_length=_max_chars())


def _render(body: str, usernames: list[str]) -> tuple[str, dict[str, int]]:
    """HTML for `body` and the ids of the people it mentions (known usernames only)."""
    if not usernames:
        if _PLAIN.fullmatch(body):  # the common case: plain prose, no Markdown to parse
            return f"<p>{html.escape(body, quote=False)}</p>\n", {}
        return markdown.render(body), {}
    User = get_user_model()
    people = dict(
        User.objects.filter(username__in=usernames, is_active=True).values_list("username", "pk")
    )
    return markdown.render(body, known_people=people), people


def _writable_workspace(actor: Any, ws: Workspace, what: str) -> None:
    queries.require_member(actor, ws, what)
    if ws.is_archived:
        raise Conflict(f"Workspace '{ws.name}' is archived: it is read-only.")


def _objective(errs: FieldErrors, ws_id: int, objective_id: Any) -> int | None:
    if objective_id in (None, ""):
        return None
    try:
        oid = int(objective_id)
    except (TypeError, ValueError):
        errs.add("objective_id", "Not an objective of this workspace.")
        return None
    if not Objective.objects.filter(pk=oid, workspace_id=ws_id).exists():
        errs.add("objective_id", "Not an objective of this workspace.")
        return None
    return oid


def _save_refs(post: Post, people: dict[str, int], tags: list[str]) -> list[int]:
    """Store mentions of people who may read the post, and hashtags; return who was mentioned."""
    readers = queries.readers_among(post.workspace, list(people.values())) - {post.author_id}
    mentioned = [uid for uid in people.values() if uid in readers]
    Mention.objects.bulk_create([Mention(post=post, user_id=u) for u in mentioned])
    Hashtag.objects.bulk_create([Hashtag(post=post, tag=t) for t in tags])
    return mentioned


def _record_mentions(actor: Any, post: Post, mentioned: list[int], now: datetime) -> None:
    User = get_user_model()
    for uid in mentioned:
        record(
            actor,
            Verb.MENTION,
            workspace=post.workspace,
            obj=post,
            parent=post.parent_id,
            thread=post.thread_id or post.pk,
            target_actor=User(pk=uid),
            kind=post.kind,
            ts=now,
        )


def _files(post: Post, files: Sequence[Any], now: datetime) -> None:
    """Check every file first, so that a refused one leaves nothing stored."""
    with FieldErrors() as errs:
        checked = [(f, check_file(errs, f)) for f in files]
    for f, mime in checked:
        store_attachment(post, f, mime, now)


# ------------------------------------------------------------------ posts, replies
@transaction.atomic
def create_post(
    actor: Any,
    workspace_id: Any,
    *,
    kind: str,
    body: str,
    objective_id: int | None = None,
    at: datetime | None = None,
    files: Sequence[Any] = (),
) -> Post:
    """Post in a workspace. Active members only (403 for a reader, 404 for what one can't see)."""
    ws = ws_queries.get_workspace_for(actor, workspace_id)
    _writable_workspace(actor, ws, "post")
    with FieldErrors() as errs:
        body = _check_body(errs, body)
        if kind not in Kind.values:
            errs.add("kind", f"Must be one of: {', '.join(Kind.values)}.")
        oid = _objective(errs, ws.pk, objective_id)
    now = at or timezone.now()
    names, tags = markdown.extract(body)
    body_html, people = _render(body, names)
    post = Post.objects.create(
        workspace=ws,
        author=actor,
        kind=kind,
        body=body,
        body_html=body_html,
        objective_id=oid,
        created_at=now,
        idea_status=IdeaStatus.NEW if kind == Kind.IDEA else "",
    )
    _files(post, files, now)
    mentioned = _save_refs(post, people, tags)
    record(actor, Verb.POST, workspace=ws, obj=post, thread=post, kind=kind, text=body, ts=now)
    _record_mentions(actor, post, mentioned, now)
    publish(TOPIC, event="post", post_id=post.pk, actor_id=actor.pk, mentioned=mentioned)
    return post


@transaction.atomic
def create_reply(
    actor: Any,
    post_id: Any,
    *,
    body: str,
    at: datetime | None = None,
    files: Sequence[Any] = (),
) -> Post:
    """Reply to a post or to a reply. Active members of the post's workspace only."""
    parent = queries.get_post_for(actor, post_id)
    _writable_workspace(actor, parent.workspace, "reply")
    with FieldErrors() as errs:
        body = _check_body(errs, body)
    now = at or timezone.now()
    root_id = parent.thread_id or parent.pk
    names, tags = markdown.extract(body)
    body_html, people = _render(body, names)
    reply = Post.objects.create(
        workspace=parent.workspace,
        author=actor,
        parent=parent,
        thread_id=root_id,
        kind="",
        body=body,
        body_html=body_html,
        created_at=now,
    )
    _files(reply, files, now)
    Post.objects.filter(pk=root_id).update(reply_count=F("reply_count") + 1)
    mentioned = _save_refs(reply, people, tags)
    record(
        actor,
        Verb.REPLY,
        workspace=parent.workspace,
        obj=reply,
        parent=parent,
        thread=root_id,
        target_actor=parent.author,
        text=body,
        ts=now,
    )
    _record_mentions(actor, reply, mentioned, now)
    publish(TOPIC, event="reply", post_id=reply.pk, actor_id=actor.pk, mentioned=mentioned)
    return reply


def _own_post(actor: Any, post_id: Any) -> Post:
    post = queries.get_post_for(actor, post_id)
    if post.author_id != actor.pk:
        raise PermissionDenied("Only the author can change this post.")
    return post


@transaction.atomic
def edit_post(
    actor: Any,
    post_id: Any,
    *,
    body: str | None = None,
    objective_id: Any = ...,
    at: datetime | None = None,
) -> Post:
    """Edit one's own post or reply (history kept); change a root post's objective link."""
    post = _own_post(actor, post_id)
    _writable_workspace(actor, post.workspace, "edit posts")
    now = at or timezone.now()
    changed: list[str] = []
    with FieldErrors() as errs:
        if body is not None:
            body = _check_body(errs, body)
        if objective_id is not ...:
            if post.is_reply and objective_id is not None:
                errs.add("objective_id", "Only a root post links to an objective.")
            oid = _objective(errs, post.workspace_id, objective_id)
    if objective_id is not ... and oid != post.objective_id:
        post.objective_id = oid
        changed.append("objective")
    if body is not None and body != post.body:
        post.revisions.create(body=post.body, edited_by=actor, replaced_at=now)
        names, tags = markdown.extract(body)
        post.body, (post.body_html, people) = body, _render(body, names)
        post.edited_at = now
        post.hashtags.all().delete()
        old = set(post.mentions.values_list("user_id", flat=True))
        post.mentions.all().delete()
        new = [u for u in _save_refs(post, people, tags) if u not in old]
        _record_mentions(actor, post, new, now)
        publish(TOPIC, event="edit", post_id=post.pk, actor_id=actor.pk, mentioned=new)
        changed.append("body")
    if not changed:
        return post
    post.save()
    record(
        actor,
        Verb.EDIT,
        workspace=post.workspace,
        obj=post,
        parent=post.parent_id,
        thread=post.thread_id or post.pk,
        kind=post.kind,
        text=post.body if "body" in changed else "",
        ts=now,
        data={"fields": changed, "objective_id": post.objective_id},
    )
    return post


def _drop_from_thread(post: Post) -> None:
    if post.thread_id:
        Post.objects.filter(pk=post.thread_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
        Post.objects.filter(pk=post.thread_id, accepted_answer=post).update(accepted_answer=None)


@transaction.atomic
def delete_post(actor: Any, post_id: Any) -> None:
    """Soft-delete one's own post or reply (recorded as a `delete` event)."""
    post = _own_post(actor, post_id)
    now = timezone.now()
    post.deleted_at = now
    post.save(update_fields=["deleted_at"])
    _drop_from_thread(post)
    record(
        actor,
        Verb.DELETE,
        workspace=post.workspace,
        obj=post,
        parent=post.parent_id,
        thread=post.thread_id or post.pk,
        ts=now,
    )


@transaction.atomic
def hide_post(actor: Any, post_id: Any, *, reason: str) -> None:
    """Hide someone's post with a reason. Workspace owners and facilitators only."""
    post = queries.get_post_for(actor, post_id)
    ws_queries.require_role(actor, post.workspace, ws_queries.FACILITATE_ROLES, "hide posts")
    with FieldErrors() as errs:
        reason = errs.require("reason", reason, max_length=500)
    now = timezone.now()
    post.hidden_at, post.hidden_reason = now, reason
    post.save(update_fields=["hidden_at", "hidden_reason"])
    _drop_from_thread(post)
    record(
        actor,
        Verb.HIDE,
        workspace=post.workspace,
        obj=post,
        parent=post.parent_id,
        thread=post.thread_id or post.pk,
        target_actor=post.author,
        text=reason,
        ts=now,
    )


# ------------------------------------------------------------------------ reactions
def _check_emoji(emoji: str) -> None:
    if emoji not in EMOJIS:
        raise Invalid(
            f"Unknown reaction {emoji!r}.",
            errors={"emoji": [f"Must be one of: {' '.join(EMOJIS)}."]},
        )


@transaction.atomic
def add_reaction(actor: Any, post_id: Any, *, emoji: str, at: datetime | None = None) -> Reaction:
    """React to a post or reply. Active members only; the same emoji twice is a Conflict."""
    post = queries.get_post_for(actor, post_id)
    _writable_workspace(actor, post.workspace, "react")
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
def remove_reaction(actor: Any, post_id: Any, *, emoji: str) -> None:
    """Take one's reaction back (recorded as a `delete` of the reaction)."""
    post = queries.get_post_for(actor, post_id)
    _check_emoji(emoji)
    reaction = Reaction.objects.filter(post=post, user=actor, emoji=emoji).first()
    if reaction is None:
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
    reaction.delete()


# ------------------------------------------------------------------ questions, ideas
@transaction.atomic
def accept_answer(
    actor: Any, question_id: Any, *, reply_id: Any, at: datetime | None = None
) -> Post:
    """Accept a reply as the answer. The asker or a workspace facilitator/owner only."""
    question = queries.get_post_for(actor, question_id)
    if question.is_reply or question.kind != Kind.QUESTION:
        raise Conflict("Only a question can have an accepted answer.")
    if question.author_id != actor.pk and not queries.can_facilitate(actor, question.workspace):
        raise PermissionDenied("Only the person who asked, or a facilitator, accepts an answer.")
    try:
        reply = queries.get_post_for(actor, reply_id)
    except NotFound:
        raise Invalid("No such reply.", errors={"reply_id": ["No such reply in this thread."]})
    if reply.thread_id != question.pk:
        raise Invalid("Not a reply to this question.", errors={"reply_id": ["Not in this thread."]})
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
    actor: Any, post_id: Any, *, status: str, note: str = "", at: datetime | None = None
) -> Post:
    """Set an idea's status with a note. Workspace owners and facilitators only."""
    post = queries.get_post_for(actor, post_id)
    if post.is_reply or post.kind != Kind.IDEA:
        raise Conflict("Only an idea has a status.")
    ws_queries.require_role(actor, post.workspace, ws_queries.FACILITATE_ROLES, "set idea status")
    with FieldErrors() as errs:
        if status not in IdeaStatus.values:
            errs.add("status", f"Must be one of: {', '.join(IdeaStatus.values)}.")
        note = errs.limit("note", note, 2000)
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
def _follow_target(actor: Any, username: str | None, workspace_id: Any) -> tuple[Any, Any]:
    if bool(username) == (workspace_id is not None):
        raise Invalid(
            "Follow either a person or a workspace.",
            errors={"username": ["Give a username or a workspace_id, not both."]},
        )
    if username:
        User = get_user_model()
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise NotFound(f"No person '{username}'.")
        if person.pk == actor.pk:
            raise Invalid("You cannot follow yourself.", errors={"username": ["That is you."]})
        return person, None
    return None, ws_queries.get_workspace_for(actor, workspace_id)


@transaction.atomic
def follow(actor: Any, *, username: str | None = None, workspace_id: int | None = None) -> Follow:
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
def unfollow(actor: Any, *, username: str | None = None, workspace_id: int | None = None) -> None:
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
    info = {
        pk: (ws, thread, author, kind)
        for pk, ws, thread, author, kind in Post.objects.filter(
            pk__in={q for _, q, _, _ in rows} | {r for _, _, r, _ in rows}
        ).values_list("pk", "workspace_id", "thread_id", "author_id", "kind")
    }
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


__all__ = [
    "PostRow",
    "ReactionRow",
    "accept_answer",
    "add_reaction",
    "bulk_accept_answers",
    "bulk_add_reactions",
    "bulk_create_posts",
    "create_post",
    "create_reply",
    "delete_post",
    "edit_post",
    "follow",
    "hide_post",
    "record_post_views",
    "remove_reaction",
    "set_idea_status",
    "unfollow",
]


def _record_views_on() -> bool:
    default = os.environ.get("LUMOFLOW_RECORD_VIEWS", "1") != "0"
    return bool(getattr(settings, "LUMOFLOW_RECORD_VIEWS", default))


def record_post_views(viewer: Any, posts: Sequence[Post], *, also: Sequence[Any] = ()) -> None:
    """Record that the viewer saw these posts: one batched statement, once per person, post, day.

    Called after the page or answer is built, with `also` other (workspace, type, id) views of
    the same page. `LUMOFLOW_RECORD_VIEWS = False` (or the environment variable set to 0) turns
    off recording post views.
    """
    rows = list(also)
    if _record_views_on():
        rows += [(p.workspace, "post", p.pk) for p in posts]
    if not rows:
        return
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        record_views(viewer, rows)
        return
    # Views are counted once a day and cost a page an fsync each: on SQLite (WAL) they are
    # committed without waiting for the disk; a power cut may lose the last few, never corrupt.
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous")
        level = cur.fetchone()[0]
        cur.execute("PRAGMA synchronous=NORMAL")
        try:
            record_views(viewer, rows)
        finally:
            cur.execute(f"PRAGMA synchronous={int(level)}")
