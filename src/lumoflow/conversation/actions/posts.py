"""Posts and replies: create, edit, delete, hide, with their attachments."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import images, limits
from lumoflow.core.errors import NotFound, PermissionDenied
from lumoflow.core.oncommit import publish
from lumoflow.core.validation import FieldErrors, id_or_not_found
from lumoflow.people.models import User
from lumoflow.search.documents import index_posts
from lumoflow.workspaces import queries as ws_queries

from .. import markdown, queries
from ..attachments import attachment_name, check_file
from ..models import Attachment, IdeaStatus, Kind, Post
from .common import (
    TOPIC,
    _check_body,
    _objective,
    _record_mentions,
    _render,
    _save_refs,
    _still_visible,
    _writable_workspace,
)

Checked = tuple[Any, str, images.Prepared | None]
"""An upload checked: the file, its sniffed type ("" when refused), an image made ready."""


def _checked(errs: FieldErrors, upload: Any) -> Checked:
    """Check one file; an image is read whole, turned upright, stripped of its metadata and
    given a thumbnail (core.images), and refused with the reason when it cannot be."""
    mime = check_file(errs, upload)
    if not mime.startswith("image/"):
        return upload, mime, None
    upload.seek(0)
    try:
        return upload, mime, images.prepare(upload.read(), mime)
    except images.BadImage as exc:
        errs.add("files", f"'{attachment_name(upload)}': {exc}")
        return upload, "", None
    finally:
        upload.seek(0)


def _check_files(errs: FieldErrors, actor: User, files: Sequence[Any]) -> list[Checked]:
    """Check every file first, so that a refused one leaves nothing stored: each file, their
    total on one post, and what the person attached in the last 24 hours with them."""
    checked = [_checked(errs, f) for f in files]
    total = sum(int(getattr(f, "size", 0) or 0) for f in files)
    if not total:
        return checked
    if total > (limit := limits.post_files_bytes()):
        errs.add("files", f"These files are {total} bytes together; the limit is {limit} bytes.")
        return checked
    since = timezone.now() - timedelta(days=1)
    sent = Attachment.objects.filter(post__author=actor, created_at__gte=since).aggregate(
        n=Sum("size")
    )["n"]
    if (sent or 0) + total > (limit := limits.daily_upload_bytes()):
        errs.add(
            "files",
            f"You attached {sent or 0} bytes in the last 24 hours; with these {total} bytes that "
            f"would pass the limit of {limit} bytes a day.",
        )
    return checked


def _store_files(post: Post, checked: list[Checked], now: datetime) -> None:
    for f, mime, image in checked:
        store_attachment(post, f, mime, now, image=image)


# ------------------------------------------------------------------ posts, replies
# Checks and Markdown rendering run before the write transaction opens and the membership is
# checked again inside it: on SQLite a writer holds the database lock only for its inserts.
def create_post(
    actor: User,
    workspace_id: Any,
    *,
    kind: str,
    body: str,
    objective_id: int | None = None,
    at: datetime | None = None,
    files: Sequence[Any] = (),
) -> Post:
    """Post in a workspace. Active members only (403 for a reader, 404 for what one can't see);
    announcements owners and facilitators only, unless the workspace opens them to all (403)."""
    ws = ws_queries.get_workspace_for(actor, workspace_id)
    _writable_workspace(actor, ws, "post")
    if kind == Kind.ANNOUNCEMENT and not ws_queries.may_announce(ws, ws_queries.role_of(actor, ws)):
        raise PermissionDenied(
            "Only owners and facilitators may post announcements in this workspace."
        )
    with FieldErrors() as errs:
        body = _check_body(errs, body)
        if kind not in Kind.values:
            errs.add("kind", f"Must be one of: {', '.join(Kind.values)}.")
        oid = _objective(errs, ws.pk, objective_id)
        checked = _check_files(errs, actor, files)
    names, tags = markdown.extract(body)
    body_html, people = _render(body, names)
    with transaction.atomic():
        _writable_workspace(actor, ws, "post", lock=True)
        return _insert_post(actor, ws, kind, body, body_html, oid, at, checked, people, tags)


def _insert_post(
    actor: User,
    ws: Any,
    kind: str,
    body: str,
    body_html: str,
    oid: int | None,
    at: datetime | None,
    checked: list[Checked],
    people: dict[str, int],
    tags: list[str],
) -> Post:
    now = at or timezone.now()
    post = Post.objects.create(
        workspace=ws,
        author=actor,
        kind=kind,
        body=body,
        body_html=body_html,
        objective_id=oid,
        created_at=now,
        idea_status=IdeaStatus.NEW if kind == Kind.IDEA else "",
    )
    _store_files(post, checked, now)
    mentioned = _save_refs(post, people, tags)
    record(actor, Verb.POST, workspace=ws, obj=post, thread=post, kind=kind, text=body, ts=now)
    index_posts([post])
    _record_mentions(actor, post, mentioned, now)
    publish(TOPIC, event="post", post_id=post.pk, actor_id=actor.pk, mentioned=mentioned)
    return post


def create_reply(
    actor: User,
    post_id: Any,
    *,
    body: str,
    at: datetime | None = None,
    files: Sequence[Any] = (),
) -> Post:
    """Reply to a post or to a reply. Active members of the post's workspace only."""
    parent = queries.get_post_for(actor, post_id)
    _writable_workspace(actor, parent.workspace, "reply")
    with FieldErrors() as errs:
        body = _check_body(errs, body)
        checked = _check_files(errs, actor, files)
    names, tags = markdown.extract(body)
    body_html, people = _render(body, names)
    with transaction.atomic():
        _writable_workspace(actor, parent.workspace, "reply", lock=True)
        return _insert_reply(actor, parent, body, body_html, at, checked, people, tags)


def _insert_reply(
    actor: User,
    parent: Post,
    body: str,
    body_html: str,
    at: datetime | None,
    checked: list[Checked],
    people: dict[str, int],
    tags: list[str],
) -> Post:
    now = at or timezone.now()
    root_id = parent.thread_id or parent.pk
    reply = Post.objects.create(
        workspace=parent.workspace,
        author=actor,
        parent=parent,
        thread_id=root_id,
        kind="",
        body=body,
        body_html=body_html,
        created_at=now,
    )
    _store_files(reply, checked, now)
    Post.objects.filter(pk=root_id).update(reply_count=F("reply_count") + 1)
    mentioned = _save_refs(reply, people, tags)
    record(
        actor,
        Verb.REPLY,
        workspace=parent.workspace,
        obj=reply,
        parent=parent,
        thread=root_id,
        target_actor=parent.author,
        text=body,
        ts=now,
    )
    index_posts([reply])
    _record_mentions(actor, reply, mentioned, now)
    publish(TOPIC, event="reply", post_id=reply.pk, actor_id=actor.pk, mentioned=mentioned)
    return reply


def _own_post(actor: User, post_id: Any) -> Post:
    post = queries.get_post_for(actor, post_id)
    if post.author_id != actor.pk:
        raise PermissionDenied("Only the author can change this post.")
    return post


@transaction.atomic
def edit_post(
    actor: User,
    post_id: Any,
    *,
    body: str | None = None,
    objective_id: Any = ...,
    at: datetime | None = None,
) -> Post:
    """Edit one's own post or reply (history kept); change a root post's objective link.

    The post's row is locked first, and the post read after: an edit, delete or hide under way
    is waited for, so two edits keep both revisions, and an edit never saves a post taken down
    meanwhile back up (NotFound then)."""
    pid = id_or_not_found(post_id, "post")
    if not list(_still_visible(pid).select_for_update().values_list("pk", flat=True)):
        raise NotFound(f"No post {pid}.")
    post = _own_post(actor, pid)
    _writable_workspace(actor, post.workspace, "edit posts", lock=True)
    now = at or timezone.now()
    changed: list[str] = []
    with FieldErrors() as errs:
        if body is not None:
            body = _check_body(errs, body)
        if objective_id is not ...:
            if post.is_reply and objective_id is not None:
                errs.add("objective_id", "Only a root post links to an objective.")
            oid = _objective(errs, post.workspace_id, objective_id)
    if objective_id is not ... and oid != post.objective_id:
        post.objective_id = oid
        changed.append("objective")
    if body is not None and body != post.body:
        post.revisions.create(body=post.body, edited_by=actor, replaced_at=now)
        names, tags = markdown.extract(body)
        post.body, (post.body_html, people) = body, _render(body, names)
        post.edited_at = now
        post.hashtags.all().delete()
        old = set(post.mentions.values_list("user_id", flat=True))
        post.mentions.all().delete()
        new = [u for u in _save_refs(post, people, tags) if u not in old]
        _record_mentions(actor, post, new, now)
        publish(TOPIC, event="edit", post_id=post.pk, actor_id=actor.pk, mentioned=new)
        changed.append("body")
    if not changed:
        return post
    post.save()
    record(
        actor,
        Verb.EDIT,
        workspace=post.workspace,
        obj=post,
        parent=post.parent_id,
        thread=post.thread_id or post.pk,
        kind=post.kind,
        text=post.body if "body" in changed else "",
        ts=now,
        data={"fields": changed, "objective_id": post.objective_id},
    )
    if "body" in changed:
        index_posts([post])
    return post


def _take_down(post: Post, **fields: Any) -> None:
    """Delete or hide (`fields`) a post nobody took down meanwhile, and take it out of its
    thread's counts; NotFound when someone did (it then counted once, not twice)."""
    if not _still_visible(post.pk).update(**fields):
        raise NotFound(f"No post {post.pk}.")
    for name, value in fields.items():
        setattr(post, name, value)
    index_posts([post])
    if post.thread_id:
        Post.objects.filter(pk=post.thread_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
        Post.objects.filter(pk=post.thread_id, accepted_answer=post).update(accepted_answer=None)


@transaction.atomic
def delete_post(actor: User, post_id: Any) -> None:
    """Soft-delete one's own post or reply (recorded as a `delete` event)."""
    post = _own_post(actor, post_id)
    now = timezone.now()
    _take_down(post, deleted_at=now)
    record(
        actor,
        Verb.DELETE,
        workspace=post.workspace,
        obj=post,
        parent=post.parent_id,
        thread=post.thread_id or post.pk,
        ts=now,
    )


@transaction.atomic
def hide_post(actor: User, post_id: Any, *, reason: str) -> None:
    """Hide someone's post with a reason. Workspace owners and facilitators only."""
    post = queries.get_post_for(actor, post_id)
    ws_queries.require_role(actor, post.workspace, ws_queries.FACILITATE_ROLES, "hide posts")
    with FieldErrors() as errs:
        reason = errs.require("reason", reason, max_length=limits.HIDDEN_REASON)
    now = timezone.now()
    _take_down(post, hidden_at=now, hidden_reason=reason)
    record(
        actor,
        Verb.HIDE,
        workspace=post.workspace,
        obj=post,
        parent=post.parent_id,
        thread=post.thread_id or post.pk,
        target_actor=post.author,
        text=reason,
        ts=now,
    )


# ------------------------------------------------------------------------ reactions


def store_attachment(
    post: Post, upload: Any, mime: str, now: datetime, *, image: images.Prepared | None = None
) -> Attachment:
    """Save one checked file on `post` (called by the post actions); an image as `image` made
    it (upright, no metadata), with its thumbnail."""
    name = attachment_name(upload)
    att = Attachment(post=post, name=name, content_type=mime, size=int(upload.size), created_at=now)
    if image is None:
        att.file.save(name, upload, save=False)
    else:
        # `size` stays what was sent: it is what the daily upload limit counts
        att.width, att.height = image.width, image.height
        att.file.save(name, ContentFile(image.data), save=False)
        stem = os.path.splitext(name)[0]
        att.thumbnail.save(f"{stem}.webp", ContentFile(image.thumb), save=False)
    att.save()
    return att
