"""Wiki pages (revisions, diffs, restore) and articles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from lumoflow.core import limits
from lumoflow.core.pagination import paginate
from lumoflow.knowledge import actions, queries
from lumoflow.knowledge.diff import diff_as_json
from lumoflow.knowledge.render import render_wiki
from lumoflow.people.auth import SignedInRequest

from .base import AtMost, BodyId, BodyIn, Id, Limit, Required, Text

router = Router(tags=["knowledge"])


class RevisionOut(Schema):
    id: int
    number: int
    title: str
    summary: str
    author: str
    created_at: dt.datetime
    restored_from: int | None


class WikiPageOut(Schema):
    id: int
    workspace_id: int
    title: str
    slug: str
    parent_id: int | None
    revision: int
    revision_number: int
    body: str
    body_html: str
    updated_at: dt.datetime
    updated_by: str
    source_post_id: int | None
    url: str


class WikiPageItem(Schema):
    id: int
    title: str
    slug: str
    parent_id: int | None
    revision: int
    updated_at: dt.datetime
    url: str


class WikiPagePage(Schema):
    items: list[WikiPageItem]
    next: str | None


class RevisionPage(Schema):
    items: list[RevisionOut]
    next: str | None


class DiffLine(Schema):
    op: str
    text: str
    old: int | None
    new: int | None


class DiffRow(Schema):
    op: str
    left: str | None
    right: str | None
    old: int | None
    new: int | None


class DiffOut(Schema):
    page_id: int
    from_revision: int
    to_revision: int
    from_title: str
    to_title: str
    added: int
    removed: int
    inline: list[DiffLine]
    side_by_side: list[DiffRow]


WikiTitle = Annotated[Required, AtMost(limits.WIKI_TITLE)]
WikiBody = Annotated[Required, AtMost(limits.WIKI_BODY)]
Summary = Annotated[Text, AtMost(limits.REVISION_SUMMARY)]


class WikiPageIn(BodyIn):
    title: WikiTitle
    body: WikiBody
    slug: Annotated[Text, AtMost(limits.WIKI_SLUG)] = ""
    parent_id: BodyId | None = None
    summary: Summary = ""


class WikiPagePut(BodyIn):
    base_revision: BodyId
    title: WikiTitle | None = None
    body: WikiBody | None = None
    slug: Annotated[Required, AtMost(limits.WIKI_SLUG)] | None = None
    parent_id: BodyId | None = None
    summary: Summary = ""


class RestoreIn(BodyIn):
    revision: BodyId
    summary: Summary = ""


def _page_out(page: Any) -> dict[str, Any]:
    rev = page.current
    return {
        "id": page.pk,
        "workspace_id": page.workspace_id,
        "title": page.title,
        "slug": page.slug,
        "parent_id": page.parent_id,
        "revision": rev.pk,
        "revision_number": rev.number,
        "body": rev.body,
        "body_html": render_wiki(page.workspace_id, rev.body),
        "updated_at": page.updated_at,
        "updated_by": rev.author.username,
        "source_post_id": page.source_post_id,
        "url": reverse("knowledge:page", args=[page.pk]),
    }


def _revision_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "title": r.title,
        "summary": r.summary,
        "author": r.author.username,
        "created_at": r.created_at,
        "restored_from": r.restored_from,
    }


def _one_page(request: HttpRequest, page_id: int) -> dict[str, Any]:
    return _page_out(queries.get_wiki_page_for(request.user, page_id))


@router.get("/workspaces/{workspace_id}/wiki", response=WikiPagePage, summary="Wiki pages")
def wiki_pages(
    request: HttpRequest, workspace_id: Id, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    qs = queries.list_wiki_pages_for(request.user, workspace_id)
    items, nxt = paginate(qs, limit=limit, cursor=cursor)
    return {
        "items": [
            {
                "id": p.pk,
                "title": p.title,
                "slug": p.slug,
                "parent_id": p.parent_id,
                "revision": p.current_id,
                "updated_at": p.updated_at,
                "url": reverse("knowledge:page", args=[p.pk]),
            }
            for p in items
        ],
        "next": nxt,
    }


@router.post(
    "/workspaces/{workspace_id}/wiki", response={201: WikiPageOut}, summary="Add a wiki page"
)
def create_page(
    request: SignedInRequest, workspace_id: Id, payload: WikiPageIn
) -> Status[dict[str, Any]]:
    page = actions.create_wiki_page(request.user, workspace_id, **payload.model_dump())
    return Status(201, _one_page(request, page.pk))


@router.get("/wiki/{page_id}", response=WikiPageOut, summary="One wiki page, current revision")
def get_page(request: HttpRequest, page_id: Id) -> dict[str, Any]:
    page = queries.get_wiki_page_for(request.user, page_id)
    out = _page_out(page)
    actions.record_knowledge_views(request.user, [(page.workspace_id, queries.WIKI, page.pk)])
    return out


@router.put(
    "/wiki/{page_id}",
    response=WikiPageOut,
    summary="Save a new revision (409 with the diff when base_revision is not the current one)",
)
def put_page(request: SignedInRequest, page_id: Id, payload: WikiPagePut) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    actions.edit_wiki_page(request.user, page_id, **changes)
    return _one_page(request, page_id)


@router.get("/wiki/{page_id}/revisions", response=RevisionPage, summary="Revisions, newest first")
def revisions(
    request: HttpRequest, page_id: Id, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    qs = queries.list_wiki_revisions_for(request.user, page_id)
    items, nxt = paginate(qs, limit=limit, cursor=cursor, newest_first=True, key="number")
    return {"items": [_revision_out(r) for r in items], "next": nxt}


@router.get("/wiki/{page_id}/diff", response=DiffOut, summary="Diff between two revisions")
def diff(
    request: HttpRequest,
    page_id: Id,
    from_revision: Annotated[Id, Query(alias="from")],
    to: Id,
) -> dict[str, Any]:
    d = queries.wiki_diff_for(request.user, page_id, from_revision, to)
    return {
        "page_id": d.page_id,
        "from_revision": d.old.pk,
        "to_revision": d.new.pk,
        "from_title": d.old.title,
        "to_title": d.new.title,
        **diff_as_json(d.text),
    }


@router.post("/wiki/{page_id}/restore", response=WikiPageOut, summary="Restore a revision")
def restore(request: SignedInRequest, page_id: Id, payload: RestoreIn) -> dict[str, Any]:
    actions.restore_wiki_revision(
        request.user, page_id, revision_id=payload.revision, summary=payload.summary
    )
    return _one_page(request, page_id)


# ---------------------------------------------------------------------------- articles
class ArticleOut(Schema):
    id: int
    workspace_id: int
    author: str
    author_name: str
    title: str
    summary: str
    body: str
    body_html: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    post_id: int | None
    comment_count: int
    url: str


class ArticlePage(Schema):
    items: list[ArticleOut]
    next: str | None


ArticleTitle = Annotated[Required, AtMost(limits.ARTICLE_TITLE)]
ArticleBody = Annotated[Required, AtMost(limits.ARTICLE_BODY)]
ArticleSummary = Annotated[Text, AtMost(limits.ARTICLE_SUMMARY)]


class ArticleIn(BodyIn):
    title: ArticleTitle
    body: ArticleBody
    summary: ArticleSummary = ""
    status: Literal["draft", "published"] = "draft"


class ArticlePatch(BodyIn):
    title: ArticleTitle | None = None
    body: ArticleBody | None = None
    summary: ArticleSummary | None = None
    status: Literal["draft", "published"] | None = None


def _article_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "workspace_id": a.workspace_id,
        "author": a.author.username,
        "author_name": a.author.name,
        "title": a.title,
        "summary": a.summary,
        "body": a.body,
        "body_html": a.body_html,
        "status": a.status,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "published_at": a.published_at,
        "post_id": a.post_id,
        "comment_count": a.post.reply_count if a.post is not None else 0,
        "url": reverse("knowledge:article", args=[a.pk]),
    }


@router.get("/workspaces/{workspace_id}/articles", response=ArticlePage, summary="Articles")
def articles(
    request: HttpRequest, workspace_id: Id, limit: Limit | None = None, cursor: Text | None = None
) -> dict[str, Any]:
    qs = queries.list_articles_for(request.user, workspace_id)
    items, nxt = paginate(qs, limit=limit, cursor=cursor, newest_first=True, key="created_at")
    return {"items": [_article_out(a) for a in items], "next": nxt}


@router.post(
    "/workspaces/{workspace_id}/articles", response={201: ArticleOut}, summary="Write an article"
)
def create_article(
    request: SignedInRequest, workspace_id: Id, payload: ArticleIn
) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    publish = data.pop("status") == "published"
    made = actions.create_article(request.user, workspace_id, publish=publish, **data)
    return Status(201, _article_out(queries.get_article_for(request.user, made.pk)))


@router.get("/articles/{article_id}", response=ArticleOut, summary="One article")
def get_article(request: HttpRequest, article_id: Id) -> dict[str, Any]:
    a = queries.get_article_for(request.user, article_id)
    out = _article_out(a)
    actions.record_knowledge_views(request.user, [(a.workspace_id, queries.ARTICLE, a.pk)])
    return out


@router.patch("/articles/{article_id}", response=ArticleOut, summary="Edit or publish my article")
def patch_article(
    request: SignedInRequest, article_id: Id, payload: ArticlePatch
) -> dict[str, Any]:
    actions.edit_article(request.user, article_id, **payload.model_dump(exclude_unset=True))
    return _article_out(queries.get_article_for(request.user, article_id))
