"""The wiki page and the article: a body shared by everyone who may read it, finished per
request.

The body (the page's current revision rendered, its `[[links]]` resolved, the tree of the
workspace's pages beside it) reads the same for every reader with the same right to edit as
long as nothing in the workspace changed: it is cached under the workspace's change marks, read
before the page itself (`core.marks`), with the page and revision ids (`core.fragments`). The
CSRF token and the page's address go in per request (`fragments.finish`, run by `page`).

An article's own part (title, byline, summary, text and, for its author, the Edit button) is
shared the same way; its reactions and comments are the conversation's cards, which keep their
own cache, and its comment form is the viewer's, so both are put in per request.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from lumoflow.activity.actions import OUTSIDE
from lumoflow.activity.queries import change_marks_of
from lumoflow.core import fragments
from lumoflow.core.errors import NotFound
from lumoflow.core.marks import Marks
from lumoflow.workspaces import queries as ws_queries

from . import queries
from .render import render_wiki


def marks_of_page(page_id: Any) -> tuple[int, Marks]:
    """The page's workspace and its marks, read before the page (NotFound for no page)."""
    ws_id = queries.page_workspace_id(page_id)
    if ws_id is None:
        raise NotFound(f"No wiki page {page_id}.")
    return ws_id, change_marks_of([ws_id])


def body(request: Any, page: Any, marks: Marks) -> str:
    """The shared HTML of a page's current revision for this viewer's right to edit."""
    role = ws_queries.role_of(request.user, page.workspace)
    can_edit = queries.may_write(role) and not page.workspace.is_archived
    parts = (
        "wiki-page",
        page.pk,
        page.current_id,
        marks.of(page.workspace_id),
        marks.of(OUTSIDE),
        can_edit,
        timezone.get_current_timezone_name(),
    )
    return fragments.cached(parts, lambda: _build(request, page, can_edit), marks=marks)


def _build(request: Any, page: Any, can_edit: bool) -> str:
    rev = page.current
    ctx = {
        "page": page,
        "ws": page.workspace,
        "rev": rev,
        "html": render_wiki(page.workspace_id, rev.body),
        "tree": queries.wiki_tree_for(request.user, page.workspace_id),
        "can_edit": can_edit,
        "csrf_token": fragments.csrf_mark(),
    }
    return render_to_string("knowledge/_page_body.html", ctx)


def marks_of_article(article_id: Any) -> tuple[int, Marks]:
    """The article's workspace and its marks, read before the article (NotFound for none)."""
    ws_id = queries.article_workspace_id(article_id)
    if ws_id is None:
        raise NotFound(f"No article {article_id}.")
    return ws_id, change_marks_of([ws_id])


def article_body(article: Any, marks: Marks, *, is_author: bool) -> str:
    """The shared HTML of an article's own part; the author's copy carries the Edit button."""
    can_edit = is_author and not article.workspace.is_archived
    parts = (
        "article",
        article.pk,
        article.updated_at,
        marks.of(article.workspace_id),
        marks.of(OUTSIDE),
        can_edit,
        timezone.get_current_timezone_name(),
    )
    ctx = {"article": article, "can_edit": can_edit}
    return fragments.cached(
        parts, lambda: render_to_string("knowledge/_article_body.html", ctx), marks=marks
    )
