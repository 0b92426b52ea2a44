"""Wiki and article pages. Thin: parse the form, call one action or query, render.

Our errors raised here become the 404/403 pages through the error middleware; form errors are
shown on the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from lumoflow.conversation import actions as conv_actions
from lumoflow.conversation import queries as conv_queries
from lumoflow.core import fragments
from lumoflow.core.errors import LumoFlowError
from lumoflow.core.forms import run_action
from lumoflow.core.pagination import paginate
from lumoflow.notifications.queries import unread_count_for
from lumoflow.people.auth import SignedInRequest
from lumoflow.workspaces import queries as ws_queries

from . import actions, queries
from . import page as wiki_page
from .actions import StaleRevision
from .forms import ArticleForm, CommentForm, WikiPageForm
from .render import render_wiki

NAV = "workspaces"


def _may_write(request: HttpRequest, ws: Any) -> bool:
    return queries.may_write(ws_queries.role_of(request.user, ws)) and not ws.is_archived


def _parents(request: HttpRequest, ws_id: int, page_id: int | None = None) -> list[tuple[int, str]]:
    return [
        (e.page_id, "— " * e.depth + e.title)
        for e in queries.wiki_tree_for(request.user, ws_id)
        if e.page_id != page_id
    ]


# ------------------------------------------------------------------------------- wiki
@login_required
def wiki_index(request: HttpRequest, workspace_id: int) -> HttpResponse:
    ws = queries.get_content_workspace_for(request.user, workspace_id)
    ctx = {
        "ws": ws,
        "tree": queries.wiki_tree_for(request.user, ws.pk),
        "can_write": _may_write(request, ws),
        "nav": NAV,
    }
    return render(request, "knowledge/wiki_index.html", ctx)


@login_required
def new_page(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = queries.get_content_workspace_for(request.user, workspace_id)
    initial = {"title": request.GET.get("title", ""), "parent_id": request.GET.get("parent")}
    form = WikiPageForm(request.POST or None, initial=initial, parents=_parents(request, ws.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "base_revision"}
        made = run_action(form, lambda: actions.create_wiki_page(request.user, ws.pk, **data))
        if made is not None:
            messages.success(request, "Page created.")
            return redirect("knowledge:page", page_id=made.pk)
    return render(
        request, "knowledge/edit_page.html", {"form": form, "ws": ws, "page": None, "nav": NAV}
    )


@login_required
def page(request: HttpRequest, page_id: int) -> HttpResponse:
    """A page's current revision (cached body, `knowledge.page`), or an old one (`?revision=`)."""
    ws_id, marks = wiki_page.marks_of_page(page_id)
    found = queries.get_wiki_page_for(request.user, page_id)
    wanted = request.GET.get("revision")
    if wanted:
        rev = queries.get_wiki_revision_for(request.user, found, wanted)
        ctx = {
            "page": found,
            "ws": found.workspace,
            "rev": rev,
            "html": render_wiki(ws_id, rev.body),
            "can_write": _may_write(request, found.workspace),
            "nav": NAV,
        }
        response = render(request, "knowledge/revision.html", ctx)
    else:
        response = fragments.page(
            request,
            title=found.title,
            nav=NAV,
            content=wiki_page.body(request, found, marks),
            shows=(unread_count_for(request.user),),
            marks=marks,
        )
    actions.record_knowledge_views(request.user, [(ws_id, queries.WIKI, found.pk)])
    return response


@login_required
def edit_page(request: SignedInRequest, page_id: int) -> HttpResponse:
    """Edit from the revision the form was opened on; a newer save shows the conflict."""
    found = queries.get_wiki_page_for(request.user, page_id)
    rev = found.current
    initial = {
        "title": rev.title if rev else found.title,
        "slug": found.slug,
        "parent_id": found.parent_id,
        "body": rev.body if rev else "",
        "base_revision": rev.pk if rev else None,
    }
    form = WikiPageForm(
        request.POST or None,
        initial=initial,
        parents=_parents(request, found.workspace_id, found.pk),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        stale: list[StaleRevision] = []
        saved = run_action(form, lambda: _edit(request, found.pk, data, stale))
        if stale:
            conflict = stale[0].diff
            form.add_error(None, stale[0].detail)
            # The next save is made knowing the current revision; the person's text stays.
            form.data = {**form.data, "base_revision": str(stale[0].current.pk)}
        if saved is not None:
            messages.success(request, "Saved.")
            return redirect("knowledge:page", page_id=found.pk)
    ctx = {
        "form": form,
        "ws": found.workspace,
        "page": found,
        "conflict": conflict,
        "nav": NAV,
    }
    return render(request, "knowledge/edit_page.html", ctx)


def _edit(
    request: SignedInRequest, page_id: int, data: dict[str, Any], stale: list[StaleRevision]
) -> Any:
    """Save; a stale base is kept in `stale` (shown with its diff), not as a form error."""
    try:
        return actions.edit_wiki_page(request.user, page_id, **data)
    except StaleRevision as exc:
        stale.append(exc)
        return None


@login_required
def history(request: HttpRequest, page_id: int) -> HttpResponse:
    found = queries.get_wiki_page_for(request.user, page_id)
    revisions = list(queries.list_wiki_revisions_for(request.user, found))
    ctx = {
        "page": found,
        "ws": found.workspace,
        "revisions": revisions,
        "can_write": _may_write(request, found.workspace),
        "nav": NAV,
    }
    return render(request, "knowledge/history.html", ctx)


@login_required
def diff(request: HttpRequest, page_id: int) -> HttpResponse:
    """The diff of two revisions (`from`, `to`), side by side or inline (`mode=inline`)."""
    d = queries.wiki_diff_for(request.user, page_id, request.GET.get("from"), request.GET.get("to"))
    found = queries.get_wiki_page_for(request.user, page_id)
    mode = "inline" if request.GET.get("mode") == "inline" else "side"
    ctx = {"page": found, "ws": found.workspace, "d": d, "mode": mode, "nav": NAV}
    return render(request, "knowledge/diff.html", ctx)


@login_required
@require_POST
def restore(request: SignedInRequest, page_id: int) -> HttpResponse:
    try:
        actions.restore_wiki_revision(
            request.user, page_id, revision_id=request.POST.get("revision")
        )
        messages.success(request, "Restored, as a new revision.")
    except LumoFlowError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.detail)
    return redirect("knowledge:page", page_id=page_id)


@login_required
@require_POST
def save_answer(request: SignedInRequest, post_id: int) -> HttpResponse:
    """One click: the question's accepted answer becomes a wiki page."""
    try:
        made = actions.save_as_knowledge(request.user, post_id)
    except LumoFlowError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.detail)
        return redirect("conversation:post", post_id=post_id)
    messages.success(request, "Saved as a wiki page.")
    return redirect("knowledge:page", page_id=made.pk)


# ---------------------------------------------------------------------------- articles
@login_required
def articles(request: HttpRequest, workspace_id: int) -> HttpResponse:
    ws = queries.get_content_workspace_for(request.user, workspace_id)
    items, nxt = paginate(
        queries.list_articles_for(request.user, ws.pk),
        limit=20,
        cursor=request.GET.get("cursor") or None,
        newest_first=True,
        key="created_at",
    )
    ctx = {
        "ws": ws,
        "articles": items,
        "next_cursor": nxt,
        "can_write": _may_write(request, ws),
        "nav": NAV,
    }
    return render(request, "knowledge/articles.html", ctx)


@login_required
def new_article(request: SignedInRequest, workspace_id: int) -> HttpResponse:
    ws = queries.get_content_workspace_for(request.user, workspace_id)
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        made = run_action(form, lambda: actions.create_article(request.user, ws.pk, **data))
        if made is not None:
            messages.success(request, "Published." if data["publish"] else "Draft saved.")
            return redirect("knowledge:article", article_id=made.pk)
    ctx = {"form": form, "ws": ws, "article": None, "nav": NAV}
    return render(request, "knowledge/edit_article.html", ctx)


@login_required
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    """An article with its comments and reactions: the replies to and reactions on the post
    that published it, shown as the conversation shows them."""
    _, marks = wiki_page.marks_of_article(article_id)
    found = queries.get_article_for(request.user, article_id)
    role = ws_queries.role_of(request.user, found.workspace)
    post = found.post
    cards = []
    if post is not None:
        try:
            root = conv_queries.get_post_for(request.user, post.pk)
            replies = list(conv_queries.list_replies_for(request.user, root.pk))
            cards = conv_queries.decorate(request.user, [root, *replies])
        except LumoFlowError:
            cards = []  # its announcement was taken down: the article stands without comments
    ctx = {
        "article": found,
        "ws": found.workspace,
        # shared under the change marks; sanitised at write time
        "article_html": mark_safe(  # noqa: S308
            wiki_page.article_body(found, marks, is_author=queries.is_author(request.user, found))
        ),
        "root": cards[:1],
        "comments": cards[1:],
        "can_react": queries.may_write(role),
        "can_comment": queries.may_write(role) and bool(cards) and not found.workspace.is_archived,
        "comment_form": CommentForm(),
        "nav": NAV,
    }
    response = render(request, "knowledge/article.html", ctx)
    actions.record_knowledge_views(request.user, [(found.workspace_id, queries.ARTICLE, found.pk)])
    return response


@login_required
def edit_article(request: SignedInRequest, article_id: int) -> HttpResponse:
    found = queries.get_article_for(request.user, article_id)
    initial = {"title": found.title, "summary": found.summary, "body": found.body}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        status = "published" if data.pop("publish") else None
        done = run_action(
            form,
            lambda: actions.edit_article(request.user, found.pk, status=status, **data),
        )
        if done is not None:
            messages.success(request, "Saved.")
            return redirect("knowledge:article", article_id=found.pk)
    ctx = {"form": form, "ws": found.workspace, "article": found, "nav": NAV}
    return render(request, "knowledge/edit_article.html", ctx)


@login_required
@require_POST
def comment(request: SignedInRequest, article_id: int) -> HttpResponse:
    """A comment is a reply to the article's post (the conversation's reply action)."""
    found = queries.get_article_for(request.user, article_id)
    form = CommentForm(request.POST)
    if found.post_id is None:
        messages.error(request, "Comments open once the article is published.")
    elif form.is_valid():
        body = form.cleaned_data["body"]
        try:
            conv_actions.create_reply(request.user, found.post_id, body=body)
        except LumoFlowError as exc:
            messages.error(request, f"Comment not sent: {exc.detail}")
    else:
        messages.error(request, "Comment not sent: write something first.")
    return redirect("knowledge:article", article_id=found.pk)
