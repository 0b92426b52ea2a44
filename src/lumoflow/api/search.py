"""Search: posts, replies, wiki pages, articles, people and workspaces the caller may read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Router, Schema

from lumoflow.core import limits
from lumoflow.people.auth import SignedInRequest
from lumoflow.search import queries
from lumoflow.search.cards import hit_url

from .base import AtMost, From, Id, Limit, Required, Text, To

router = Router(tags=["search"])
SearchType = Literal["post", "reply", "wiki", "article", "person", "workspace"]


class HitOut(Schema):
    type: SearchType
    id: int
    title: str
    snippet_html: str
    url: str
    created_at: dt.datetime
    workspace_id: int | None
    workspace: str
    author: str
    author_name: str


class SearchPage(Schema):
    items: list[HitOut]
    next: str | None
    counts: dict[str, int]


@router.get("/search", response=SearchPage, summary="Search what I may read")
def search(
    request: SignedInRequest,
    q: Annotated[Required, AtMost(limits.SEARCH_QUERY)],
    type: SearchType | None = None,
    workspace: Id | None = None,
    author: Text | None = None,
    date_from: From = None,
    date_to: To = None,
    limit: Limit | None = None,
    cursor: Text | None = None,
) -> dict[str, Any]:
    """Full-text search, best match first; `snippet_html` is escaped HTML in which only the
    matched words are marked (`<mark>`). `counts` gives the matches per type under the other
    filters, counting only what the caller may read. A query with no word (letters or digits)
    is a 422; a workspace or author the caller cannot see is a 404 naming the field."""
    filters = queries.filters_for(
        request.user,
        kind=type or "",
        workspace=workspace,
        author=author or "",
        date_from=date_from,
        date_to=date_to,
    )
    found = queries.search_for(request.user, q, filters=filters, limit=limit, cursor=cursor)
    return {
        "items": [
            {
                "type": h.kind,
                "id": h.object_id,
                "title": h.title,
                "snippet_html": str(h.snippet),
                "url": hit_url(h),
                "created_at": h.created_at,
                "workspace_id": h.workspace_id,
                "workspace": h.workspace_name,
                "author": h.author_username,
                "author_name": h.author_name,
            }
            for h in found.hits
        ],
        "next": found.next,
        "counts": found.counts,
    }
