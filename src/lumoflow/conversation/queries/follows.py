"""Who and what a viewer follows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lumoflow.core.sql import Frozen
from lumoflow.people.models import Viewer, person_name
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import (
    Visibility,
)

from ..models import Follow
from .posts import _uid


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


@dataclass(frozen=True)
class Suggestion:
    """A person (`username`) or a workspace (`workspace_id`) worth following, and why."""

    name: str
    username: str | None
    workspace_id: int | None
    reason: str


SUGGESTIONS_PER_KIND = 3
ACTIVE_DAYS = 30


def list_follow_suggestions_for(viewer: Viewer) -> list[Suggestion]:
    """What a person who follows little might follow: their department's workspaces, their
    manager, and the most active public workspaces they are not in.

    Workspaces come from `readable_workspace_ids` (public ones and the viewer's own): a private
    or secret workspace the viewer cannot read is never suggested. Archived workspaces, inactive
    people and what the viewer already follows are left out.
    """
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from lumoflow.people.models import User
    from lumoflow.workspaces.models import Membership, MembershipStatus, Role, Workspace

    uid = _uid(viewer)
    if uid is None:
        return []
    me = User.objects.select_related("manager").get(pk=uid)
    followed = Follow.objects.filter(follower_id=uid)
    open_ws = Workspace.objects.filter(
        id__in=ws_queries.readable_workspace_ids(viewer), archived_at__isnull=True
    ).exclude(id__in=followed.filter(workspace__isnull=False).values("workspace_id"))
    out: list[Suggestion] = []
    if me.department_id is not None:
        owned_here = Membership.objects.filter(
            role=Role.OWNER, status=MembershipStatus.ACTIVE, user__department_id=me.department_id
        ).values("workspace_id")
        for ws in open_ws.filter(id__in=owned_here).order_by("name", "id")[:SUGGESTIONS_PER_KIND]:
            out.append(Suggestion(ws.name, None, ws.pk, "your department's workspace"))
    boss = me.manager
    if boss is not None and boss.is_active and not followed.filter(person_id=boss.pk).exists():
        out.append(Suggestion(boss.name, boss.username, None, "your manager"))
    since = timezone.now() - timedelta(days=ACTIVE_DAYS)
    busy = (
        open_ws.filter(visibility=Visibility.PUBLIC)
        .exclude(id__in=ws_queries.member_workspace_ids(viewer))
        .exclude(id__in=[s.workspace_id for s in out if s.workspace_id])
        .annotate(
            recent=Count(
                "posts",
                filter=Q(
                    posts__created_at__gte=since,
                    posts__deleted_at__isnull=True,
                    posts__hidden_at__isnull=True,
                ),
            )
        )
        .order_by("-recent", "name", "id")[:SUGGESTIONS_PER_KIND]
    )
    out += [Suggestion(ws.name, None, ws.pk, "active public workspace") for ws in busy]
    return out
