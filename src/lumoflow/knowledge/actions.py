"""Every write to wiki pages and articles.

Each action reads what it changes through `queries` (so "not found" and "not allowed" are one
check), validates, writes, and records its event in one transaction: `wiki_edit` for every
save of a page (creating, editing, restoring), `knowledge_saved` for an accepted answer saved as
a page, `article` for publishing, `edit` for an article's other changes. The activity log names
pages `wiki:<id>` and articles `article:<id>` (`queries.object_id`), so their views and edits
meet each other, never a post's.

Writers are the workspace's active members; the membership row is read locked inside the write
(`conversation.queries.require_member`), so someone removed meanwhile is refused, and an archived
workspace refuses every write in `activity.record`.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.conversation import actions as conv_actions
from lumoflow.conversation import markdown
from lumoflow.conversation import queries as conv_queries
from lumoflow.conversation.models import Kind
from lumoflow.core import limits
from lumoflow.core.errors import Conflict, InvalidNow, NotFound, PermissionDenied, UnknownReference
from lumoflow.core.validation import FieldErrors, as_id, id_or_not_found
from lumoflow.people.models import User, Viewer
from lumoflow.search import index as search_index
from lumoflow.search.documents import article_doc, wiki_doc
from lumoflow.workspaces.models import Workspace

from . import queries
from .diff import diff_as_json
from .models import Article, ArticleStatus, WikiPage, WikiRevision


class StaleRevision(Conflict):
    """The page was saved by someone else after the revision the edit started from. Carries
    the diff from that revision to the current one (`extensions`, in the API's problem)."""

    def __init__(self, detail: str, *, base: WikiRevision, current: WikiRevision) -> None:
        super().__init__(detail)
        self.base, self.current = base, current
        self.diff = queries.revision_diff(base, current)
        self.extensions = {
            "current_revision": current.pk,
            "base_revision": base.pk,
            "diff": diff_as_json(self.diff.text),
        }


def _record(actor: User, verb: str, workspace: Workspace, what: str, pk: int, **kw: Any) -> None:
    """Record an event on a page or an article (`what`), named as the activity log names them."""
    record(
        actor,
        verb,
        workspace=workspace,
        object_type=what,
        object_id=queries.object_id(what, pk),
        **kw,
    )


def _member(actor: User, ws: Workspace, what: str) -> None:
    conv_queries.require_member(actor, ws, what, lock=True)


# ------------------------------------------------------------------------------- wiki
def _slug(errs: FieldErrors, ws_id: int, slug: str, title: str, page_id: int | None) -> str:
    value = slugify(slug or title, allow_unicode=True)[: limits.WIKI_SLUG].strip("-")
    if not value:
        errs.add("slug", "Give a slug of letters or digits (the title has none).")
        return value
    taken = (
        WikiPage.objects.filter(workspace_id=ws_id, slug=value)
        .exclude(pk=page_id or 0)
        .values_list("title", flat=True)
        .first()
    )
    if taken is not None:
        errs.add(
            "slug",
            f"The page '{taken}' already has the slug '{value}' in this workspace: "
            "choose another title or slug.",
            kind=InvalidNow,
        )
    return value


def _parent(errs: FieldErrors, ws_id: int, parent_id: Any, page: WikiPage | None) -> int | None:
    if parent_id in (None, ""):
        return None
    pid = as_id(parent_id)
    if pid is None or not WikiPage.objects.filter(pk=pid, workspace_id=ws_id).exists():
        errs.add("parent_id", "Not a page of this workspace's wiki.", kind=UnknownReference)
        return None
    if page is not None and queries.would_cycle(page, pid):
        errs.add(
            "parent_id",
            "That page is this one or lies below it: the tree would go round in a circle.",
            kind=InvalidNow,
        )
    return pid


def _texts(errs: FieldErrors, title: Any, body: Any, summary: Any) -> tuple[str, str, str]:
    title = errs.require(
        "title", title if isinstance(title, str) else "", max_length=limits.WIKI_TITLE
    )
    body = errs.require("body", body if isinstance(body, str) else "", max_length=limits.WIKI_BODY)
    summary = errs.limit("summary", summary or "", limits.REVISION_SUMMARY)
    return title, body, summary


def _save_revision(
    actor: User,
    page: WikiPage,
    *,
    body: str,
    summary: str,
    now: datetime,
    restored_from: int | None = None,
    verb: str = Verb.WIKI_EDIT,
) -> WikiRevision:
    """Store the page's title and body as its next revision, make it current, record it."""
    last = page.current.number if page.current_id and page.current else 0
    rev = WikiRevision.objects.create(
        page=page,
        number=last + 1,
        title=page.title,
        body=body,
        summary=summary,
        author=actor,
        created_at=now,
        restored_from=restored_from,
    )
    page.current = rev
    page.updated_at = now
    page.save(update_fields=["current", "updated_at", "title", "slug", "parent"])
    search_index.put_many([wiki_doc(page, body)])
    _record(
        actor,
        verb,
        page.workspace,
        queries.WIKI,
        page.pk,
        text=rev.body,
        ts=now,
        data={"revision": rev.pk, "number": rev.number, "summary": summary},
    )
    return rev


def create_wiki_page(
    actor: User,
    workspace_id: Any,
    *,
    title: str,
    body: str,
    slug: str = "",
    parent_id: Any = None,
    summary: str = "",
    at: datetime | None = None,
) -> WikiPage:
    """Add a page to a workspace's wiki (its first revision). Active members only."""
    ws = queries.get_content_workspace_for(actor, workspace_id)
    with transaction.atomic():
        _member(actor, ws, "write its wiki")
        return _insert_page(actor, ws, title, body, slug, parent_id, summary, at)


def _insert_page(
    actor: User,
    ws: Workspace,
    title: Any,
    body: Any,
    slug: Any,
    parent_id: Any,
    summary: Any,
    at: datetime | None,
    source_post: Any = None,
) -> WikiPage:
    with FieldErrors() as errs:
        title, body, summary = _texts(errs, title, body, summary)
        slug = _slug(errs, ws.pk, slug if isinstance(slug, str) else "", title, None)
        parent = _parent(errs, ws.pk, parent_id, None)
    now = at or timezone.now()
    page = WikiPage.objects.create(
        workspace=ws,
        title=title,
        slug=slug,
        parent_id=parent,
        created_by=actor,
        created_at=now,
        updated_at=now,
        source_post=source_post,
    )
    _save_revision(actor, page, body=body, summary=summary or "Created", now=now)
    return page


def _locked_page(actor: Viewer, page_id: Any) -> WikiPage:
    """The page, its row locked until commit (two saves run one after the other, and the
    second sees the first's revision), read as the actor may read it."""
    pid = id_or_not_found(page_id, "wiki page")
    list(WikiPage.objects.select_for_update().filter(pk=pid).values_list("pk", flat=True))
    return queries.get_wiki_page_for(actor, pid)


@transaction.atomic
def edit_wiki_page(
    actor: User,
    page_id: Any,
    *,
    base_revision: Any,
    title: str | None = None,
    body: str | None = None,
    slug: str | None = None,
    parent_id: Any = ...,
    summary: str = "",
    at: datetime | None = None,
) -> WikiPage:
    """Save a new revision of a page, made from revision `base_revision` (its id).

    When someone saved the page after that revision, nothing is saved: StaleRevision (409)
    carries the diff from the base to the current revision. A save that changes nothing stores
    no revision. Active members only."""
    page = _locked_page(actor, page_id)
    _member(actor, page.workspace, "edit its wiki")
    current = page.current
    assert current is not None  # every page is created with its first revision
    base_id = as_id(base_revision)
    if base_id != current.pk:
        base = WikiRevision.objects.filter(pk=base_id or 0, page=page).first()
        if base is None:
            raise UnknownReference(
                f"No revision {base_revision} of this page.",
                errors={"base_revision": ["Not a revision of this page."]},
            )
        raise StaleRevision(
            f"Someone saved this page (revision {current.number}, by {current.author.name}) "
            f"after the revision {base.number} you started from; nothing was saved. Compare "
            "the changes and edit the current revision.",
            base=base,
            current=current,
        )
    with FieldErrors() as errs:
        new_title, new_body, summary = _texts(
            errs,
            current.title if title is None else title,
            current.body if body is None else body,
            summary,
        )
        new_slug = page.slug
        if slug is not None and slug != page.slug:
            new_slug = _slug(errs, page.workspace_id, slug, new_title, page.pk)
        parent = page.parent_id
        if parent_id is not ...:
            parent = _parent(errs, page.workspace_id, parent_id, page)
    if (new_title, new_body, new_slug, parent) == (
        current.title,
        current.body,
        page.slug,
        page.parent_id,
    ):
        return page
    page.title, page.slug, page.parent_id = new_title, new_slug, parent
    _save_revision(actor, page, body=new_body, summary=summary, now=at or timezone.now())
    return page


@transaction.atomic
def restore_wiki_revision(
    actor: User,
    page_id: Any,
    *,
    revision_id: Any,
    summary: str = "",
    at: datetime | None = None,
) -> WikiPage:
    """Make an old revision's title and body current again, as a new revision that says which
    one it restores. Active members only (someone who left the workspace is refused)."""
    page = _locked_page(actor, page_id)
    _member(actor, page.workspace, "restore its wiki pages")
    old = queries.get_wiki_revision_for(actor, page, revision_id)
    with FieldErrors() as errs:
        summary = errs.limit("summary", summary or "", limits.REVISION_SUMMARY)
    page.title = old.title
    _save_revision(
        actor,
        page,
        body=old.body,
        summary=summary or f"Restored revision {old.number}",
        now=at or timezone.now(),
        restored_from=old.number,
    )
    return page


def _knowledge_body(question: Any, answer: Any) -> str:
    url = reverse("conversation:post", args=[question.pk])
    quoted = "\n".join(f"> {line}" for line in question.body.splitlines())
    return (
        f"{quoted}\n\n— asked by @{question.author.username}\n\n"
        f"{answer.body}\n\n— answered by @{answer.author.username}\n\n"
        f"[The question and its thread]({url}#post-{answer.pk})\n"
    )


def _knowledge_title(question: Any) -> str:
    first = next((ln.strip(" #>*") for ln in question.body.splitlines() if ln.strip()), "")
    return first[: limits.WIKI_TITLE].strip() or f"Question {question.pk}"


@transaction.atomic
def save_as_knowledge(
    actor: User, question_id: Any, *, title: str = "", at: datetime | None = None
) -> WikiPage:
    """Turn a question's accepted answer into a page of its workspace's wiki, linking back to
    the thread; recorded as `knowledge_saved` (and the page's first `wiki_edit`). Active members
    only; Conflict when the question has no accepted answer or the answer is saved already."""
    question = conv_queries.get_post_for(actor, question_id)
    if question.thread_id or question.kind != Kind.QUESTION:
        raise Conflict("Only a question's accepted answer can be saved as knowledge.")
    ws = question.workspace
    _member(actor, ws, "save its answers as knowledge")
    if question.accepted_answer_id is None:
        raise Conflict("This question has no accepted answer to save yet.")
    answer = conv_queries.get_post_for(actor, question.accepted_answer_id)
    saved = WikiPage.objects.filter(source_post=answer).values_list("title", flat=True).first()
    if saved is not None:
        raise Conflict(f"This answer is saved already, as the wiki page '{saved}'.")
    title = title.strip() or _knowledge_title(question)
    if WikiPage.objects.filter(workspace=ws, slug=slugify(title, allow_unicode=True)).exists():
        title = f"{title[: limits.WIKI_TITLE - 12]} ({question.pk})"
    now = at or timezone.now()
    body = _knowledge_body(question, answer)
    page = _insert_page(
        actor, ws, title, body, "", None, "Saved from an accepted answer", now, answer
    )
    _record(
        actor,
        Verb.KNOWLEDGE_SAVED,
        ws,
        queries.WIKI,
        page.pk,
        parent=answer.pk,
        thread=question.pk,
        target_actor=answer.author,
        kind=Kind.QUESTION,
        text=body,
        ts=now,
    )
    return page


def record_knowledge_views(viewer: Viewer, objects: list[tuple[Any, str, int]]) -> None:
    """Record that the viewer read these (workspace, kind, id) pages or articles: one `view`
    per person, object and day, after the page is built (the posts' view path)."""
    if not isinstance(viewer, User):
        return
    also = [(ws, kind, queries.object_id(kind, pk)) for ws, kind, pk in objects]
    conv_actions.record_post_views(viewer, [], also=also)


# ---------------------------------------------------------------------------- articles
def _article_texts(errs: FieldErrors, title: Any, body: Any, summary: Any) -> tuple[str, str, str]:
    title = errs.require(
        "title", title if isinstance(title, str) else "", max_length=limits.ARTICLE_TITLE
    )
    body = errs.require(
        "body", body if isinstance(body, str) else "", max_length=limits.ARTICLE_BODY
    )
    summary = errs.limit("summary", summary or "", limits.ARTICLE_SUMMARY)
    return title, body, summary


def _announcement(article: Article) -> str:
    """The text of the post that carries a published article into feeds."""
    url = reverse("knowledge:article", args=[article.pk])
    lines = [f"**{article.title}**"]
    if article.summary:
        lines.append(article.summary)
    lines.append(f"[Read the article]({url})")
    return "\n\n".join(lines)


def _index_article(article: Article) -> None:
    """Put a published article in search (a draft is never there: search shows a workspace's
    documents to all its readers)."""
    search_index.put_many([article_doc(article)])


def _publish(actor: User, article: Article, now: datetime) -> None:
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.post = conv_actions.create_post(
        actor, article.workspace_id, kind=Kind.UPDATE, body=_announcement(article), at=now
    )
    article.save()
    _index_article(article)
    _record(
        actor,
        Verb.ARTICLE,
        article.workspace,
        queries.ARTICLE,
        article.pk,
        thread=article.post.pk,
        text=f"{article.title}\n\n{article.body}",
        ts=now,
    )


def create_article(
    actor: User,
    workspace_id: Any,
    *,
    title: str,
    body: str,
    summary: str = "",
    publish: bool = False,
    at: datetime | None = None,
) -> Article:
    """Write an article in a workspace, as a draft (its author's alone) or published at once.
    Active members only."""
    ws = queries.get_content_workspace_for(actor, workspace_id)
    with FieldErrors() as errs:
        title, body, summary = _article_texts(errs, title, body, summary)
    body_html = markdown.render(body)
    with transaction.atomic():
        _member(actor, ws, "write articles")
        now = at or timezone.now()
        article = Article.objects.create(
            workspace=ws,
            author=actor,
            title=title,
            summary=summary,
            body=body,
            body_html=body_html,
            created_at=now,
            updated_at=now,
        )
        if publish:
            _publish(actor, article, now)
        else:
            _record_draft(actor, article, now)
        return article


def _record_draft(actor: User, article: Article, now: datetime) -> None:
    # A draft's text is its author's: the event says that it changed, not what it says.
    _record(
        actor,
        Verb.EDIT,
        article.workspace,
        queries.ARTICLE,
        article.pk,
        ts=now,
        data={"status": article.status},
    )


@transaction.atomic
def edit_article(
    actor: User,
    article_id: Any,
    *,
    title: str | None = None,
    body: str | None = None,
    summary: str | None = None,
    status: str | None = None,
) -> Article:
    """Change one's own article; `status="published"` publishes a draft (into the workspace's
    feed and its followers'). A published article stays published. The author only, while an
    active member."""
    aid = id_or_not_found(article_id, "article")
    list(Article.objects.select_for_update().filter(pk=aid).values_list("pk", flat=True))
    article = queries.get_article_for(actor, aid)
    if not queries.is_author(actor, article):
        raise PermissionDenied("Only its author can change an article.")
    _member(actor, article.workspace, "change articles")
    with FieldErrors() as errs:
        new = _article_texts(
            errs,
            article.title if title is None else title,
            article.body if body is None else body,
            article.summary if summary is None else summary,
        )
        if status not in (None, *ArticleStatus.values):
            errs.add("status", f"Must be one of: {', '.join(ArticleStatus.values)}.")
        elif status == ArticleStatus.DRAFT and article.status == ArticleStatus.PUBLISHED:
            errs.add("status", "A published article stays published.", kind=InvalidNow)
    now = timezone.now()
    texts_changed = new != (article.title, article.body, article.summary)
    if texts_changed:
        article.title, article.body, article.summary = new
        article.body_html = markdown.render(article.body)
        article.updated_at = now
        article.save()
    if status == ArticleStatus.PUBLISHED and article.status == ArticleStatus.DRAFT:
        _publish(actor, article, now)
    elif texts_changed and article.status == ArticleStatus.PUBLISHED:
        if article.post_id:
            # the announcement follows the article, unless its author took it down
            with contextlib.suppress(NotFound):
                conv_actions.edit_post(actor, article.post_id, body=_announcement(article), at=now)
        _index_article(article)
        _record(
            actor,
            Verb.EDIT,
            article.workspace,
            queries.ARTICLE,
            article.pk,
            text=f"{article.title}\n\n{article.body}",
            ts=now,
        )
    elif texts_changed:
        _record_draft(actor, article, now)
    return article
