"""Create notifications after a conversation write commits; mark read; mute per type.

`notify_conversation` is subscribed to the "conversation" topic (see apps.py): it runs after the
write's transaction commits, in the same request, and notifies only people who may read the post.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from lumoflow.conversation.models import Post
from lumoflow.conversation.queries import readers_among
from lumoflow.core.errors import Invalid
from lumoflow.core.validation import as_id
from lumoflow.people.models import User

from .models import Mute, Notification, Type


def _recipients(post: Post, event: str, actor_id: int, mentioned: Iterable[int]) -> dict[int, str]:
    """Who hears about this write, and why (the first reason wins)."""
    out: dict[int, str] = {}
    for uid in mentioned:
        out.setdefault(uid, Type.MENTION)
    if event == "reply":
        # A reply has a parent and a thread (constraint post_reply_has_thread).
        parent = Post.objects.only("author_id").get(pk=cast(int, post.parent_id))
        out.setdefault(parent.author_id, Type.REPLY)
        root = cast(int, post.thread_id)
        takers = set(
            Post.objects.filter(thread_id=root, deleted_at=None)
            .exclude(pk=post.pk)
            .values_list("author_id", flat=True)
        ) | set(Post.objects.filter(pk=root).values_list("author_id", flat=True))
        for uid in takers:
            out.setdefault(uid, Type.THREAD)
    elif event == "accepted":
        out.setdefault(post.author_id, Type.ACCEPTED)
    elif event == "idea_status":
        out.setdefault(post.author_id, Type.IDEA_STATUS)
    out.pop(actor_id, None)
    return out


def notify_conversation(
    *,
    event: str,
    post_id: int = 0,
    actor_id: int = 0,
    mentioned: list[int] | None = None,
    batch: Iterable[tuple[int, int]] = (),
    **_: Any,
) -> None:
    """Notify the people a conversation write concerns, respecting mutes and read access.

    `batch` holds many (post_id, actor_id) writes of the same event (bulk actions): they are
    notified as one at a time would be, in one transaction.
    """
    if batch:
        with transaction.atomic():
            for pid, aid in batch:
                _notify(event, pid, aid, [])
        return
    _notify(event, post_id, actor_id, mentioned or [])


def _notify(event: str, post_id: int, actor_id: int, mentioned: list[int]) -> None:
    post = Post.objects.select_related("workspace").filter(pk=post_id).first()
    if post is None:
        return
    wanted = _recipients(post, event, actor_id, mentioned)
    if not wanted:
        return
    readers = readers_among(post.workspace, list(wanted))
    muted = set(Mute.objects.filter(user_id__in=list(wanted)).values_list("user_id", "type"))
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient_id=uid,
            type=t,
            actor_id=actor_id,
            post=post,
            workspace=post.workspace,
            created_at=now,
        )
        for uid, t in wanted.items()
        if uid in readers and (uid, t) not in muted
    )


@transaction.atomic
def mark_read(actor: User, *, ids: Iterable[Any] | None = None) -> int:
    """Mark the actor's own notifications read: these ids, or all when `ids` is None.

    Ids that are not the actor's notifications are left alone, ids no row can have included
    (SQLite cannot even compare them).
    """
    qs = Notification.objects.filter(recipient_id=actor.pk, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in={n for n in map(as_id, ids) if n is not None})
    return qs.update(read_at=timezone.now())


@transaction.atomic
def set_mutes(actor: User, *, muted: Iterable[str]) -> set[str]:
    """Replace the set of notification types the actor mutes."""
    wanted = set(muted)
    unknown = wanted - set(Type.values)
    if unknown:
        raise Invalid(
            f"Unknown notification type(s): {', '.join(sorted(unknown))}.",
            errors={"muted": [f"Must be among: {', '.join(Type.values)}."]},
        )
    Mute.objects.filter(user_id=actor.pk).exclude(type__in=wanted).delete()
    have = set(Mute.objects.filter(user_id=actor.pk).values_list("type", flat=True))
    Mute.objects.bulk_create([Mute(user_id=actor.pk, type=t) for t in wanted - have])
    return wanted
