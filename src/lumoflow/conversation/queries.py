"""Permission-aware reads of posts, threads, feeds, hashtags and follows. Viewer first.

Every list is filtered through `readable_workspace_ids(viewer)`: content of a private or secret
workspace never reaches a non-member. Deleted and hidden posts are left out of every list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Membership, MembershipStatus, Visibility, Workspace

from .models import EMOJIS, Attachment, Follow, Hashtag, Kind, Post, Reaction


def _uid(viewer: Any) -> int | None:
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"No {what} {value!r}.")


def visible_posts() -> QuerySet[Post]:
    return Post.objects.filter(deleted_at__isnull=True, hidden_at__isnull=True)


def readable_posts_for(viewer: Any) -> QuerySet[Post]:
    """Visible posts and replies in workspaces whose content the viewer may read."""
    return visible_posts().filter(workspace__in=ws_queries.readable_workspace_ids(viewer))


_CARD_FIELDS = (
    *(f.name for f in Post._meta.concrete_fields),
    "author__username",
    "author__display_name",
    "author__first_name",
    "author__last_name",
    "workspace__name",
    "workspace__visibility",
    "workspace__archived_at",
    "objective__title",
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


def get_post_for(viewer: Any, post_id: Any) -> Post:
    """A visible post or reply the viewer may read, else NotFound (missing or not allowed)."""
    pid = _int(post_id, "post")
    post = _feed_select(readable_posts_for(viewer), replies=True).filter(pk=pid).first()
    if post is None:
        raise NotFound(f"No post {pid}.")
    return post


def require_member(viewer: Any, post_or_ws: Post | Workspace, what: str) -> str:
    """The viewer's role in the post's workspace; 403 for a reader who is not a member."""
    ws = post_or_ws.workspace if isinstance(post_or_ws, Post) else post_or_ws
    role = ws_queries.role_of(viewer, ws)
    if role is None:
        raise PermissionDenied(f"Join '{ws.name}' to {what}.")
    return role


def can_facilitate(viewer: Any, workspace: Workspace) -> bool:
    return ws_queries.role_of(viewer, workspace) in ws_queries.FACILITATE_ROLES


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
def list_workspace_posts_for(
    viewer: Any, workspace_id: Any, *, kind: str = "", objective_id: Any = None
) -> QuerySet[Post]:
    """Root posts of a workspace the viewer may read (403 when private and not a member)."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    qs = visible_posts().filter(workspace=ws, parent__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if objective_id not in (None, ""):
        qs = qs.filter(objective_id=_int(objective_id, "objective"))
    return _feed_select(qs)


def list_feed_for(viewer: Any) -> QuerySet[Post]:
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


def list_hashtag_posts_for(viewer: Any, tag: str) -> QuerySet[Post]:
    tag = tag.lstrip("#").lower()
    ids = Hashtag.objects.filter(tag=tag).values("post_id")
    return _feed_select(readable_posts_for(viewer).filter(pk__in=ids), replies=True)


def list_replies_for(viewer: Any, post_id: Any) -> QuerySet[Post]:
    """Replies in the thread of a post the viewer may read, oldest first."""
    post = get_post_for(viewer, post_id)
    root = post.thread_id or post.pk
    return (
        visible_posts()
        .filter(thread_id=root)
        .select_related("author", "parent__author", "workspace")
        .order_by("created_at", "id")
    )


def list_unanswered_questions_for(viewer: Any, workspace_id: Any) -> QuerySet[Post]:
    """Questions with no accepted answer, oldest first."""
    ws = ws_queries.get_readable_workspace_for(viewer, workspace_id)
    return (
        visible_posts()
        .filter(workspace=ws, parent__isnull=True, kind=Kind.QUESTION, accepted_answer=None)
        .select_related("author")
        .order_by("created_at", "id")
    )


def list_decisions_for(viewer: Any, workspace_id: Any) -> QuerySet[Post]:
    return list_workspace_posts_for(viewer, workspace_id, kind=Kind.DECISION)


def search_posts_for(viewer: Any, q: str) -> QuerySet[Post]:
    """Posts and replies whose text contains every word of `q` (case-insensitive)."""
    qs = readable_posts_for(viewer)
    words = [w for w in q.split() if w][:10]
    if not words:
        return qs.none()
    for w in words:
        qs = qs.filter(body__icontains=w)
    return _feed_select(qs, replies=True)


def list_follows_for(viewer: Any) -> QuerySet[Follow]:
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


def follow_state(
    viewer: Any, *, person_id: int | None = None, workspace_id: int | None = None
) -> bool:
    qs = Follow.objects.filter(follower_id=_uid(viewer))
    if person_id is not None:
        return qs.filter(person_id=person_id).exists()
    return qs.filter(workspace_id=workspace_id).exists()


def list_revisions_for(viewer: Any, post_id: Any) -> list[Any]:
    post = get_post_for(viewer, post_id)
    return list(post.revisions.select_related("edited_by"))


def get_attachment_for(viewer: Any, attachment_id: Any) -> Attachment:
    aid = _int(attachment_id, "attachment")
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


def decorate(viewer: Any, posts: list[Post]) -> list[PostCard]:
    """Attach reaction counts (with the viewer's own) and attachments: two queries in all."""
    ids = [p.pk for p in posts]
    counts: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    if ids:
        uid = _uid(viewer)
        rows = (
            Reaction.objects.filter(post_id__in=ids)
            .values("post_id", "emoji")
            .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=uid)))
        )
        for r in rows:
            counts[r["post_id"]][r["emoji"]] = [r["n"], r["mine"] > 0]
    files: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        for a in Attachment.objects.filter(post_id__in=ids):
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
