"""Reads of a person's notifications. Only ever the viewer's own, and only about posts the viewer
may still read (leaving a private workspace hides its notifications)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lumoflow.core.sql import Frozen
from lumoflow.people.models import Viewer
from lumoflow.workspaces.queries import readable_workspace_ids

from .models import Mute, Notification, Type


def _uid(viewer: Viewer) -> int | None:
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def list_notifications_for(viewer: Viewer, *, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(
        recipient_id=_uid(viewer), workspace__in=readable_workspace_ids(viewer)
    ).filter(Q(post__isnull=True) | Q(post__deleted_at=None, post__hidden_at=None))
    if unread:
        qs = qs.filter(read_at=None)
    return qs.select_related("actor", "post", "workspace")


def get_notification_for(viewer: Viewer, notification_id: int) -> Notification | None:
    """One of the viewer's notifications, or None (another's, or about a post gone from view)."""
    return list_notifications_for(viewer).filter(pk=notification_id).first()


_UNREAD = Frozen(lambda viewer: list_notifications_for(viewer, unread=True).values("id"))


def unread_count_for(viewer: Viewer) -> int:
    """The header's badge (every page): the same rule as the list, precompiled."""
    uid = _uid(viewer)
    return 0 if uid is None else _UNREAD.count(viewer=uid)


def muted_types_for(viewer: Viewer) -> set[str]:
    # No viewer: user_id=None reads as IS NULL and matches no row (the stubs refuse None).
    return set(
        Mute.objects.filter(user_id=_uid(viewer)).values_list("type", flat=True)  # type: ignore[misc]
    )


def type_choices() -> list[tuple[str, str]]:
    return list(Type.choices)


def url_of(n: Notification) -> str:
    """Where a notification leads: the thread, at the post."""
    from django.urls import reverse

    post = n.post
    if post is None:
        return reverse("conversation:notifications:list")
    url = reverse("conversation:post", args=[post.thread_id or post.pk])
    return url + (f"#post-{post.pk}" if post.thread_id else "")
