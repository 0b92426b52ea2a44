"""Posts a viewer may read: one post, its replies, questions, decisions, hashtags, search."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.validation import id_or_not_found
from lumoflow.people.models import Viewer
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import (
    Membership,
    MembershipStatus,
    Visibility,
    Workspace,
)

from ..models import Attachment, Hashtag, Post


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
    "author__photo_small",  # the face on the card (people.faces)
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


def require_member(
    viewer: Viewer, post_or_ws: Post | Workspace, what: str, *, lock: bool = False
) -> str:
    """The viewer's role in the post's workspace; 403 for a reader who is not a member. With
    `lock`, inside a write's transaction, the membership row stays locked until commit, so the
    write cannot land just after the member was removed (`ws_queries.locked_role_of`)."""
    ws = post_or_ws.workspace if isinstance(post_or_ws, Post) else post_or_ws
    role = ws_queries.locked_role_of(viewer, ws) if lock else ws_queries.role_of(viewer, ws)
    if role is None:
        raise PermissionDenied(f"Join '{ws.name}' to {what}.")
    return role


def can_facilitate(viewer: Viewer, workspace: Workspace) -> bool:
    return ws_queries.may_facilitate(ws_queries.role_of(viewer, workspace))


def may_accept_answer(viewer: Viewer, question: Post, role: str | None) -> bool:
    """Whether the viewer, holding `role` in the question's workspace, may accept an answer to
    it: an active member who asked, or a facilitator or owner of the workspace (someone who
    left no longer does)."""
    if role is None:
        return False
    return question.author_id == _uid(viewer) or ws_queries.may_facilitate(role)


def readers_among(workspace: Workspace, user_ids: list[int]) -> set[int]:
    """Which of these active people may read the workspace's content."""
    User = get_user_model()
    people = User.objects.filter(pk__in=user_ids, is_active=True)
    if workspace.visibility != Visibility.PUBLIC:
        people = people.filter(
            memberships__workspace=workspace, memberships__status=MembershipStatus.ACTIVE
        )
    return set(people.values_list("pk", flat=True))


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


def active_member_ids(workspace_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=workspace_id, status=MembershipStatus.ACTIVE
        ).values_list("user_id", flat=True)
    )


def list_recent_posts_by_for(viewer: Viewer, person_id: int, *, limit: int = 5) -> list[Post]:
    """A person's newest root posts that the viewer may read (their person page)."""
    qs = readable_posts_for(viewer).filter(author_id=person_id, thread__isnull=True)
    return list(qs.select_related("workspace").order_by("-created_at", "-id")[:limit])
