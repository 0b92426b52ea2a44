"""Posts, replies, reactions, answers, idea status, hashtags, follows, notifications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from lumoflow.conversation import actions, queries
from lumoflow.conversation.cards import post_url, url_template
from lumoflow.conversation.models import EMOJIS
from lumoflow.core import limits
from lumoflow.core.pagination import newest_first_page, paginate
from lumoflow.notifications import actions as n_actions
from lumoflow.notifications import queries as n_queries
from lumoflow.notifications.models import Type as NotificationType
from lumoflow.people.auth import SignedInRequest
from lumoflow.people.models import Viewer

from .base import AtMost, BodyId, BodyIn, Id, Limit, Required, Text, unvalidated_json

router = Router(tags=["conversation"])
KindName = Literal["update", "question", "idea", "decision", "announcement"]


class ReactionOut(Schema):
    emoji: str
    count: int
    mine: bool


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str
    # images only: the thumbnail shown in the pages, and the image's size upright
    thumbnail_url: str | None = None
    width: int | None = None
    height: int | None = None


class PostOut(Schema):
    id: int
    workspace_id: int
    workspace: str
    author: str
    author_name: str
    kind: str
    body: str
    body_html: str
    objective_id: int | None
    parent_id: int | None
    thread_id: int | None
    created_at: dt.datetime
    edited_at: dt.datetime | None
    reply_count: int
    accepted_answer_id: int | None
    idea_status: str
    idea_note: str
    reactions: list[ReactionOut]
    attachments: list[AttachmentOut]
    url: str


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


PostBody = Annotated[Required, AtMost(limits.post_body())]
"""A post's or reply's body: visible text within LUMOFLOW_MAX_POST_CHARS (read at start-up)."""


class PostIn(BodyIn):
    kind: KindName = "update"
    body: PostBody
    objective_id: BodyId | None = None


class ReplyIn(BodyIn):
    body: PostBody


class PostPatch(BodyIn):
    body: PostBody | None = None
    objective_id: BodyId | None = None


class HideIn(BodyIn):
    reason: Annotated[Required, AtMost(limits.HIDDEN_REASON)]


class ReactionIn(BodyIn):
    emoji: Annotated[Text, Field(json_schema_extra={"enum": list(EMOJIS)})]


class AcceptIn(BodyIn):
    reply_id: BodyId


class IdeaStatusIn(BodyIn):
    status: Literal["new", "under_review", "adopted", "declined"]
    note: Annotated[Text, AtMost(limits.IDEA_STATUS_NOTE)] = ""


def cards_out(viewer: Viewer, posts: list[Any]) -> list[dict[str, Any]]:
    """Posts as PostOut dicts (validated once, by the response schema)."""
    attachment_url = url_template("conversation:attachment")
    thumbnail_url = url_template("conversation:thumbnail")
    out = []
    for c in queries.decorate(viewer, posts):
        p = c.post
        out.append(
            {
                "id": p.pk,
                "workspace_id": p.workspace_id,
                "workspace": p.workspace.name,
                "author": p.author.username,
                "author_name": p.author.name,
                "kind": p.kind,
                "body": p.body,
                "body_html": p.body_html,
                "objective_id": p.objective_id,
                "parent_id": p.parent_id,
                "thread_id": p.thread_id,
                "created_at": p.created_at,
                "edited_at": p.edited_at,
                "reply_count": p.reply_count,
                "accepted_answer_id": p.accepted_answer_id,
                "idea_status": p.idea_status,
                "idea_note": p.idea_note,
                "reactions": [{"emoji": e, "count": n, "mine": m} for e, n, m in c.reactions],
                "attachments": [
                    {
                        "id": a.pk,
                        "name": a.name,
                        "content_type": a.content_type,
                        "size": a.size,
                        "url": attachment_url.format(a.pk),
                        "thumbnail_url": thumbnail_url.format(a.pk) if a.thumbnail else None,
                        "width": a.width,
                        "height": a.height,
                    }
                    for a in c.attachments
                ],
                "url": post_url(p),
            }
        )
    return out


def _page(request: HttpRequest, qs: Any, limit: int | None, cursor: str | None) -> dict[str, Any]:
    items, nxt = paginate(qs, limit=limit, cursor=cursor, newest_first=True, key="created_at")
    out = cards_out(request.user, items)
    actions.record_post_views(request.user, items)
    return {"items": out, "next": nxt}


def _feed_page(
    request: HttpRequest, feed: queries.Feed, limit: int | None, cursor: str | None
) -> HttpResponse:
    """A feed page as PostPage JSON (built to its schema, not validated again); the views are
    recorded after the response is built."""
    items, nxt = newest_first_page(feed.page, limit=limit, cursor=cursor)
    response = unvalidated_json(request, {"items": cards_out(request.user, items), "next": nxt})
    actions.record_post_views(request.user, items)
    return response


def _one(request: HttpRequest, post_id: int) -> dict[str, Any]:
    return cards_out(request.user, [queries.get_post_for(request.user, post_id)])[0]


@router.get("/workspaces/{workspace_id}/posts", response=PostPage, summary="Workspace feed")
def workspace_posts(
    request: HttpRequest,
    workspace_id: Id,
    kind: KindName | None = None,
    objective_id: int | None = None,  # a filter: an id no row has finds nothing (404)
    limit: Limit | None = None,
    cursor: Text | None = None,
) -> HttpResponse:
    feed = queries.workspace_feed_for(
        request.user, workspace_id, kind=kind or "", objective_id=objective_id
    )
    return _feed_page(request, feed, limit, cursor)


@router.post("/workspaces/{workspace_id}/posts", response={201: PostOut}, summary="Post")
def create_post(
    request: SignedInRequest, workspace_id: Id, payload: PostIn
) -> Status[dict[str, Any]]:
    post = actions.create_post(request.user, workspace_id, **payload.model_dump())
    return Status(201, _one(request, post.pk))


@router.get("/feed", response=PostPage, summary="Home feed: followed workspaces and people")
def feed(
    request: HttpRequest, limit: Limit | None = None, cursor: Text | None = None
) -> HttpResponse:
    return _feed_page(request, queries.feed_for(request.user), limit, cursor)


@router.get("/posts/{post_id}", response=PostOut, summary="One post or reply")
def get_post(request: HttpRequest, post_id: Id) -> dict[str, Any]:
    post = queries.get_post_for(request.user, post_id)
    out = cards_out(request.user, [post])[0]
    actions.record_post_views(request.user, [post])
    return out


@router.patch("/posts/{post_id}", response=PostOut, summary="Edit my post; relink its objective")
def patch_post(request: SignedInRequest, post_id: Id, payload: PostPatch) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    actions.edit_post(request.user, post_id, **changes)
    return _one(request, post_id)


@router.delete("/posts/{post_id}", response={204: None}, summary="Delete my post (soft)")
def delete_post(request: SignedInRequest, post_id: Id) -> Status[None]:
    actions.delete_post(request.user, post_id)
    return Status(204, None)


@router.post("/posts/{post_id}/hide", response={204: None}, summary="Hide a post (facilitators)")
def hide_post(request: SignedInRequest, post_id: Id, payload: HideIn) -> Status[None]:
    actions.hide_post(request.user, post_id, reason=payload.reason)
    return Status(204, None)


@router.get("/posts/{post_id}/replies", response=PostPage, summary="Replies in the thread")
def replies(
    request: HttpRequest, post_id: Id, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    qs = queries.list_replies_for(request.user, post_id)
    items, nxt = paginate(qs, limit=limit, cursor=cursor, key="created_at")
    return {"items": cards_out(request.user, items), "next": nxt}


@router.post("/posts/{post_id}/replies", response={201: PostOut}, summary="Reply")
def create_reply(request: SignedInRequest, post_id: Id, payload: ReplyIn) -> Status[dict[str, Any]]:
    reply = actions.create_reply(request.user, post_id, body=payload.body)
    return Status(201, _one(request, reply.pk))


@router.post("/posts/{post_id}/reactions", response={201: PostOut}, summary="React")
def react(request: SignedInRequest, post_id: Id, payload: ReactionIn) -> Status[dict[str, Any]]:
    actions.add_reaction(request.user, post_id, emoji=payload.emoji)
    return Status(201, _one(request, post_id))


@router.delete("/posts/{post_id}/reactions", response=PostOut, summary="Take a reaction back")
def unreact(request: SignedInRequest, post_id: Id, payload: ReactionIn) -> dict[str, Any]:
    actions.remove_reaction(request.user, post_id, emoji=payload.emoji)
    return _one(request, post_id)


@router.post("/posts/{post_id}/accept", response=PostOut, summary="Accept a reply as the answer")
def accept(request: SignedInRequest, post_id: Id, payload: AcceptIn) -> dict[str, Any]:
    actions.accept_answer(request.user, post_id, reply_id=payload.reply_id)
    return _one(request, post_id)


@router.post("/posts/{post_id}/idea-status", response=PostOut, summary="Set an idea's status")
def idea_status(request: SignedInRequest, post_id: Id, payload: IdeaStatusIn) -> dict[str, Any]:
    actions.set_idea_status(request.user, post_id, status=payload.status, note=payload.note)
    return _one(request, post_id)


@router.get("/hashtags/{tag}", response=PostPage, summary="Posts with a hashtag")
def hashtag(
    request: HttpRequest, tag: Text, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    return _page(request, queries.list_hashtag_posts_for(request.user, tag), limit, cursor)


def _one_of_follow(schema: dict[str, Any]) -> None:
    """Document FollowIn as taking exactly one of its fields, and neither as null."""
    for name in ("username", "workspace_id"):
        prop = schema["properties"][name]
        branches = [b for b in prop.pop("anyOf", []) if b.get("type") != "null"]
        prop.update(branches[0] if branches else {})
        prop.pop("default", None)
    schema["oneOf"] = [{"required": ["username"]}, {"required": ["workspace_id"]}]


class FollowIn(BodyIn):
    """A person (`username`) or a workspace (`workspace_id`): exactly one of them."""

    model_config = ConfigDict(json_schema_extra=_one_of_follow)
    # Absent, not null: a body names one of them, and null names nothing.
    username: Annotated[Required, AtMost(limits.USERNAME)] | None = None
    workspace_id: BodyId | None = None

    @field_validator("username", "workspace_id", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise PydanticCustomError("not_null", "Leave it out rather than null.")
        return value


class FollowOut(Schema):
    id: int
    username: str | None
    workspace_id: int | None
    name: str
    created_at: dt.datetime


class FollowPage(Schema):
    items: list[FollowOut]
    next: str | None


def _follow_out(f: Any) -> FollowOut:
    return FollowOut(
        id=f.pk,
        username=f.person.username if f.person_id else None,
        workspace_id=f.workspace_id,
        name=f.person.name if f.person_id else f.workspace.name,
        created_at=f.created_at,
    )


@router.get("/follows", response=FollowPage, summary="What I follow")
def list_follows(
    request: HttpRequest, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    items, nxt = paginate(queries.list_follows_for(request.user), limit=limit, cursor=cursor)
    return {"items": [_follow_out(f) for f in items], "next": nxt}


@router.post("/follows", response={201: FollowOut}, summary="Follow a person or a workspace")
def create_follow(request: SignedInRequest, payload: FollowIn) -> Status[FollowOut]:
    f = actions.follow(request.user, **payload.model_dump())
    return Status(201, _follow_out(f))


@router.delete("/follows", response={204: None}, summary="Stop following")
def delete_follow(request: SignedInRequest, payload: FollowIn) -> Status[None]:
    actions.unfollow(request.user, **payload.model_dump())
    return Status(204, None)


class NotificationOut(Schema):
    id: int
    type: str
    actor: str | None  # None for an alert (no person did it)
    actor_name: str | None
    workspace_id: int
    post_id: int | None
    alert_id: int | None
    excerpt: str
    url: str
    created_at: dt.datetime
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    next: str | None
    unread: int


class ReadIn(BodyIn):
    ids: list[BodyId] | None = None


class MutesIn(BodyIn):
    muted: list[Annotated[Text, Field(json_schema_extra={"enum": list(NotificationType.values)})]]


def notification_out(n: Any) -> NotificationOut:
    post = n.post
    url = post_url(post) if post is not None else ""
    if n.alert is not None:
        url = n_queries.url_of(n)
    excerpt = post.body[:140] if post is not None else n.alert.summary[:140] if n.alert else ""
    return NotificationOut(
        id=n.pk,
        type=n.type,
        actor=n.actor.username if n.actor else None,
        actor_name=n.actor.name if n.actor else None,
        workspace_id=n.workspace_id,
        post_id=n.post_id,
        alert_id=n.alert_id,
        excerpt=excerpt,
        url=url,
        created_at=n.created_at,
        read=n.read_at is not None,
    )


@router.get("/notifications", response=NotificationPage, summary="My notifications")
def notifications(
    request: HttpRequest,
    unread: bool = False,
    limit: Limit | None = None,
    cursor: Text | None = None,
) -> dict[str, Any]:
    qs = n_queries.list_notifications_for(request.user, unread=unread)
    items, nxt = paginate(qs, limit=limit, cursor=cursor, newest_first=True, key="created_at")
    return {
        "items": [notification_out(n) for n in items],
        "next": nxt,
        "unread": n_queries.unread_count_for(request.user),
    }


@router.post("/notifications/read", response=dict, summary="Mark read (these ids, or all)")
def read(request: SignedInRequest, payload: ReadIn) -> dict[str, int]:
    n = n_actions.mark_read(request.user, ids=payload.ids)
    return {"marked": n, "unread": n_queries.unread_count_for(request.user)}


@router.get("/notifications/mutes", response=MutesIn, summary="Muted notification types")
def get_mutes(request: HttpRequest) -> dict[str, list[str]]:
    return {"muted": sorted(n_queries.muted_types_for(request.user))}


@router.put("/notifications/mutes", response=MutesIn, summary="Set muted notification types")
def put_mutes(request: SignedInRequest, payload: MutesIn) -> dict[str, list[str]]:
    return {"muted": sorted(n_actions.set_mutes(request.user, muted=payload.muted))}
