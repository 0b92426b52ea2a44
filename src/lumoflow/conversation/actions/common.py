"""Helpers shared by the conversation actions: validation, rendering, mentions."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import limits
from lumoflow.core.errors import UnknownReference
from lumoflow.core.validation import FieldErrors, as_id
from lumoflow.people.models import User
from lumoflow.workspaces.models import Objective, Workspace

from .. import markdown, queries
from ..models import Hashtag, Mention, Post

TOPIC = "conversation"
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'?!;:()/-]*")


# ------------------------------------------------------------------------ helpers
def _check_body(errs: FieldErrors, body: Any) -> str:
    return errs.require(
        "body", body if isinstance(body, str) else "", max_length=limits.post_body()
    )


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


def _writable_workspace(actor: User, ws: Workspace, what: str, *, lock: bool = False) -> None:
    # An archived workspace is refused where every write ends: `activity.record`. With `lock`
    # (inside the write's transaction) a removal under way is waited for and seen.
    queries.require_member(actor, ws, what, lock=lock)


def _still_visible(post_id: int) -> QuerySet[Post]:
    """The post, when nobody deleted or hid it meanwhile. An update of it (or a select for
    update) waits for a transaction changing the same row to commit, then reads it again: two
    people taking one post down at once find it gone the second time."""
    return Post.objects.filter(pk=post_id, deleted_at__isnull=True, hidden_at__isnull=True)


def _objective(errs: FieldErrors, ws_id: int, objective_id: Any) -> int | None:
    if objective_id in (None, ""):
        return None
    oid = as_id(objective_id)
    if oid is None or not Objective.objects.filter(pk=oid, workspace_id=ws_id).exists():
        errs.add("objective_id", "Not an objective of this workspace.", kind=UnknownReference)
        return None
    return oid


def _save_refs(post: Post, people: dict[str, int], tags: list[str]) -> list[int]:
    """Store mentions of people who may read the post, and hashtags; return who was mentioned."""
    readers = queries.readers_among(post.workspace, list(people.values())) - {post.author_id}
    mentioned = [uid for uid in people.values() if uid in readers]
    Mention.objects.bulk_create([Mention(post=post, user_id=u) for u in mentioned])
    Hashtag.objects.bulk_create([Hashtag(post=post, tag=t) for t in tags])
    return mentioned


def _record_mentions(actor: User, post: Post, mentioned: list[int], now: datetime) -> None:
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
