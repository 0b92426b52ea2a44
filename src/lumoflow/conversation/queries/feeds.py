"""The feeds as ORM querysets: what each feed holds, for the viewer. The SQL in `feed_sql`
reads the same posts a page at a time; tests check the two agree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from lumoflow.core.validation import id_or_not_found
from lumoflow.people.models import Viewer
from lumoflow.workspaces import queries as ws_queries

from ..models import Follow, Kind, Post
from .posts import _feed_select, _uid, visible_posts


def count_posts_after(viewer: Viewer, after: int, *, workspace_id: Any = None) -> int:
    """How many posts newer than post `after` the viewer's home feed (or a workspace's feed)
    holds: the "new posts" notice."""
    qs = list_workspace_posts_for(viewer, workspace_id) if workspace_id else list_feed_for(viewer)
    return qs.filter(pk__gt=after).count()


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


def list_top_threads_for(
    viewer: Viewer, workspace_id: Any, *, since: datetime, limit: int = 5
) -> list[Post]:
    """The `limit` conversations of a workspace started since `since` with the most replies
    (ties: the newest first), for a viewer who may read it (403 when private and not a member)."""
    qs = list_workspace_posts_for(viewer, workspace_id).filter(
        created_at__gte=since, reply_count__gt=0
    )
    return list(qs.order_by("-reply_count", "-created_at", "-pk")[:limit])


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


def list_decisions_for(viewer: Viewer, workspace_id: Any) -> QuerySet[Post]:
    return list_workspace_posts_for(viewer, workspace_id, kind=Kind.DECISION)
