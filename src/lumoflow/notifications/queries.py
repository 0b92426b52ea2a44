"""Reads of a person's notifications and of workspaces' alerts.

Notifications: only ever the viewer's own, and only about posts the viewer may still read
(leaving a private workspace hides its notifications); an alert's notification only while the
viewer may see the workspace's alerts.

Alerts: seen and acted on by the workspace's owners and facilitators (facilitators set
objectives and moderate: most suggested actions are theirs to take); owners are notified. A
member without that role gets PermissionDenied (403); anyone else, someone who left included,
gets NotFound (404), as for a workspace they cannot see.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet

from lumoflow.core.errors import Invalid, NotFound, PermissionDenied
from lumoflow.core.sql import Frozen
from lumoflow.core.validation import id_or_not_found
from lumoflow.people.models import User, Viewer
from lumoflow.workspaces.models import Membership, MembershipStatus, Role, Workspace
from lumoflow.workspaces.queries import (
    FACILITATE_ROLES,
    get_workspace_for,
    may_facilitate,
    readable_workspace_ids,
    role_of,
)

from .models import DIGEST_NAMES, Alert, Digest, DigestOptOut, Mute, Notification, Type


def _uid(viewer: Viewer) -> int | None:
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def alert_workspace_ids(viewer: Viewer) -> QuerySet[Membership, Any]:
    """Ids of the workspaces whose alerts the viewer sees (a subquery): active owner or
    facilitator."""
    # No viewer: user_id=None reads as IS NULL and matches no row (the stubs refuse None).
    return Membership.objects.filter(  # type: ignore[misc]
        user_id=_uid(viewer), status=MembershipStatus.ACTIVE, role__in=FACILITATE_ROLES
    ).values("workspace_id")


def list_notifications_for(viewer: Viewer, *, unread: bool = False) -> QuerySet[Notification]:
    qs = (
        Notification.objects.filter(
            recipient_id=_uid(viewer), workspace__in=readable_workspace_ids(viewer)
        )
        .filter(Q(post__isnull=True) | Q(post__deleted_at=None, post__hidden_at=None))
        .filter(Q(alert__isnull=True) | Q(workspace__in=alert_workspace_ids(viewer)))
    )
    if unread:
        qs = qs.filter(read_at=None)
    return qs.select_related("actor", "post", "workspace", "alert")


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

    if n.alert is not None:
        return alert_url(n.alert)
    post = n.post
    if post is None:
        return reverse("conversation:notifications:list")
    url = reverse("conversation:post", args=[post.thread_id or post.pk])
    return url + (f"#post-{post.pk}" if post.thread_id else "")


def _alerts_workspace(viewer: Viewer, workspace: Any, what: str) -> Workspace:
    """The workspace when the viewer may see its alerts; NotFound or PermissionDenied."""
    ws = get_workspace_for(viewer, workspace)
    role = role_of(viewer, ws)
    if role is None:
        raise NotFound(what)
    if not may_facilitate(role):
        raise PermissionDenied("Only the workspace's owners and facilitators see its alerts.")
    return ws


def list_alerts_for(
    viewer: Viewer, workspace_id: Any, *, open_only: bool = False
) -> QuerySet[Alert]:
    """A workspace's alerts, newest first. NotFound unless the viewer is an active member;
    PermissionDenied for a member who is neither owner nor facilitator."""
    wid = id_or_not_found(workspace_id, "workspace")
    ws = _alerts_workspace(viewer, wid, f"No workspace {wid}.")
    qs = Alert.objects.filter(workspace=ws)
    if open_only:
        qs = qs.filter(closed_at=None)
    return qs.select_related("workspace", "acted_on_by").order_by("-raised_at", "-id")


def get_alert_for(viewer: Viewer, alert_id: Any) -> Alert:
    """One alert the viewer may see (rules of `list_alerts_for`); NotFound or PermissionDenied."""
    aid = id_or_not_found(alert_id, "alert")
    alert = Alert.objects.select_related("workspace", "acted_on_by").filter(pk=aid).first()
    missing = f"No alert {aid}."
    if alert is None:
        raise NotFound(missing)
    try:
        alert.workspace = _alerts_workspace(viewer, alert.workspace_id, missing)
    except NotFound:
        raise NotFound(missing) from None
    return alert


def alert_recipients(workspace: Workspace) -> list[int]:
    """Who is notified of a workspace's new alert: its active owners who do not mute alerts."""
    muted = Mute.objects.filter(type=Type.ALERT).values("user_id")
    return list(
        Membership.objects.filter(
            workspace=workspace, status=MembershipStatus.ACTIVE, role=Role.OWNER
        )
        .exclude(user_id__in=muted)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def alert_url(alert: Alert) -> str:
    """The alert's page (measure's: the alert, its acted-on form, its metric before and after)."""
    from django.urls import reverse

    return reverse("alert", args=[alert.pk])


#: The salt of unsubscribe links: a signature made for anything else does not open them.
UNSUBSCRIBE_SALT = "lumoflow.notifications.unsubscribe"


def digest_choices() -> list[tuple[str, str]]:
    return list(Digest.choices)


def digest_name(digest: str) -> str:
    """A digest named in a sentence: "weekly digest of your workspaces"."""
    return DIGEST_NAMES[digest]


def digests_taken_by(viewer: Viewer) -> set[str]:
    """The digests the viewer has not unsubscribed from (whether they qualify for them or not)."""
    uid = _uid(viewer)
    if uid is None:
        return set()
    out = set(DigestOptOut.objects.filter(user_id=uid).values_list("digest", flat=True))
    return set(Digest.values) - out


def opted_out_of(digest: str) -> set[int]:
    """The ids of the people who unsubscribed from a digest."""
    return set(DigestOptOut.objects.filter(digest=digest).values_list("user_id", flat=True))


def unsubscribe_token(user_id: int, digest: str) -> str:
    """A signed, dated token naming one person and one digest (`django.core.signing`)."""
    return signing.dumps({"u": user_id, "d": digest}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The person and digest an unsubscribe token names. Invalid when it was altered, is older
    than LUMOFLOW_UNSUBSCRIBE_DAYS, or names no active person or digest."""
    max_age = settings.LUMOFLOW_UNSUBSCRIBE_DAYS * 86400
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise Invalid(
            "This unsubscribe link has expired. Sign in and change your e-mail digests in your "
            "profile."
        ) from exc
    except signing.BadSignature as exc:
        raise Invalid(
            "This unsubscribe link is not valid (it may have been cut or changed). Sign in and "
            "change your e-mail digests in your profile."
        ) from exc
    uid, digest = (value.get("u"), value.get("d")) if isinstance(value, dict) else (None, None)
    person = User.objects.filter(pk=uid, is_active=True).first() if isinstance(uid, int) else None
    if person is None or digest not in Digest.values:
        raise Invalid("This unsubscribe link names nobody who still has an account here.")
    return person, str(digest)
