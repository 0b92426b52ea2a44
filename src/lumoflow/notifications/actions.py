"""Create notifications after a conversation write commits; mark read; mute per type; raise
alerts about a workspace's health and mark them acted on.

`notify_conversation` is subscribed to the "conversation" topic (see apps.py): it runs after the
write's transaction commits, in the same request, and notifies only people who may read the post.
`raise_alerts` is subscribed to "metrics.refreshed": it runs after fresh metrics of a workspace
are stored, opens an alert per new condition (and notifies the owners), and closes the alerts
whose condition the metrics no longer show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.analytics.advice import suggested_actions
from lumoflow.analytics.alerts import Condition, alert_conditions
from lumoflow.analytics.targets import Targets
from lumoflow.conversation.models import Post
from lumoflow.conversation.queries import readers_among
from lumoflow.core import limits
from lumoflow.core.errors import Conflict, Invalid
from lumoflow.core.validation import FieldErrors, as_id
from lumoflow.people.models import User
from lumoflow.workspaces.models import Workspace

from . import queries
from .models import Alert, Digest, DigestOptOut, Mute, Notification, Type


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


def _check_digest(digest: str) -> None:
    if digest not in Digest.values:
        raise Invalid(
            f"Unknown digest '{digest}'.",
            errors={"digest": [f"Must be one of: {', '.join(Digest.values)}."]},
        )


def _set_digest(actor: User, digest: str, on: bool) -> bool:
    mine = DigestOptOut.objects.filter(user_id=actor.pk, digest=digest)
    if on:
        changed = mine.delete()[0] > 0
    else:
        changed = not mine.exists()
        if changed:
            DigestOptOut.objects.create(user=actor, digest=digest, created_at=timezone.now())
    if changed:
        record(
            actor,
            Verb.PROFILE,
            object_type="digest",
            object_id=digest,
            text="subscribed" if on else "unsubscribed",
        )
    return changed


@transaction.atomic
def set_digest(actor: User, digest: str, *, on: bool) -> bool:
    """Subscribe the actor to a digest or unsubscribe them (the e-mailed link names the person:
    it signs them in for this alone). Recorded when it changes something; returns whether it
    did. Invalid for an unknown digest."""
    _check_digest(digest)
    return _set_digest(actor, digest, on)


@transaction.atomic
def set_digests(actor: User, *, on: Iterable[str]) -> set[str]:
    """Replace the set of digests the actor takes (the profile's setting); each change
    recorded. Invalid for an unknown digest, nothing changed."""
    wanted = set(on)
    for digest in sorted(wanted):
        _check_digest(digest)
    for digest in Digest.values:
        _set_digest(actor, digest, digest in wanted)
    return wanted


def _targets_of(ws: Workspace) -> Targets:
    """A workspace's engagement targets as the analytics read them."""
    return Targets(
        weekly_active_share=float(ws.target_weekly_active_share),
        first_reply_hours=float(ws.target_first_reply_hours),
        on_topic_share=float(ws.target_on_topic_share),
    )


def raise_alerts(
    *,
    workspace_id: int | None = None,
    data: Mapping[str, Any] | None = None,
    computed_at: dt.datetime | None = None,
    **_: Any,
) -> None:
    """Bring a workspace's open alerts in line with its fresh metrics (subscriber of
    "metrics.refreshed"): one open alert per condition the metrics show (the verdict is
    fading; a target missed two weeks running), never two for the same open condition; the
    alerts whose condition is gone are closed. A new alert carries what changed, since when,
    the evidence and the suggested actions, and notifies the workspace's owners.

    The organisation's metrics (no workspace) and archived workspaces raise nothing. No person
    did this, so no activity is recorded (like a notification).
    """
    if workspace_id is None or not data:
        return
    ws = Workspace.objects.filter(pk=workspace_id, archived_at=None).first()
    if ws is None:
        return
    now = timezone.now()
    when = computed_at or now
    targets = _targets_of(ws)
    found = {(c.kind, c.metric): c for c in alert_conditions(data, targets, seen=when.date())}
    with transaction.atomic():
        open_ = {
            (a.kind, a.metric): a
            for a in Alert.objects.select_for_update().filter(workspace=ws, closed_at=None)
        }
        gone = [a.pk for key, a in open_.items() if key not in found]
        Alert.objects.filter(pk__in=gone).update(closed_at=now)
        new = [c for key, c in found.items() if key not in open_]
        if not new:
            return
        advice = [
            a.as_dict()
            for a in suggested_actions(
                data,
                target_hours=targets.first_reply_hours,
                target_on_topic=targets.on_topic_share,
            )
        ]
        owners = queries.alert_recipients(ws)
        for c in new:
            alert = _open_alert(ws, c, advice, now=now, computed_at=when)
            if alert is not None:
                Notification.objects.bulk_create(
                    Notification(
                        recipient_id=uid,
                        type=Type.ALERT,
                        actor=None,
                        workspace=ws,
                        alert=alert,
                        created_at=now,
                    )
                    for uid in owners
                )


def _open_alert(
    ws: Workspace,
    c: Condition,
    advice: list[dict[str, str]],
    *,
    now: dt.datetime,
    computed_at: dt.datetime,
) -> Alert | None:
    """Create the alert, or None when a refresh running at the same time opened it first."""
    try:
        with transaction.atomic():
            return Alert.objects.create(
                workspace=ws,
                kind=c.kind,
                metric=c.metric,
                summary=c.summary,
                since=c.since,
                evidence=list(c.evidence),
                actions=advice,
                raised_at=now,
                computed_at=computed_at,
            )
    except IntegrityError:  # the one-open-alert constraint
        return None


@transaction.atomic
def mark_alert_acted_on(actor: User, alert_id: Any, *, note: str) -> Alert:
    """Record that the actor acted on an alert, with a note saying what was done.

    Owners and facilitators of the alert's workspace (`queries.get_alert_for`: NotFound for
    anyone else who is not a member, PermissionDenied for a member). Invalid for a missing or
    over-long note; Conflict when the alert was already marked acted on, or the workspace is
    archived. Records a `workspace` activity event (change "alert acted on").
    """
    alert = queries.get_alert_for(actor, alert_id)
    with FieldErrors() as errs:
        text = errs.require("note", note, max_length=limits.ALERT_NOTE)
    locked = Alert.objects.select_for_update().get(pk=alert.pk)
    if locked.acted_on_at is not None:
        raise Conflict(
            "This alert was already marked acted on, on "
            f"{timezone.localtime(locked.acted_on_at):%-d %B %Y}."
        )
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(acted_on_at=now, acted_on_by=actor, note=text)
    record(
        actor,
        Verb.WORKSPACE,
        workspace=alert.workspace,
        obj=alert,
        text=text,
        ts=now,
        data={"change": "alert acted on", "kind": alert.kind, "metric": alert.metric},
    )
    alert.acted_on_at, alert.acted_on_by, alert.note = now, actor, text
    return alert
