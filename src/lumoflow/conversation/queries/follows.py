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
