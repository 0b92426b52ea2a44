"""Permission-aware reads of wiki pages, their revisions and diffs, and articles. Viewer first.

A wiki page and a published article are read by whoever may read their workspace's content;
for anyone else (a non-member of a private or secret workspace, someone who left it) they do not
exist: NotFound, the same answer as for a missing one. A draft is read by its author alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.text import slugify

from lumoflow.core.errors import NotFound
from lumoflow.core.validation import as_id, id_or_not_found
from lumoflow.people.models import Viewer
from lumoflow.workspaces import queries as ws_queries
from lumoflow.workspaces.models import Workspace

from .diff import TextDiff, diff_texts
from .models import Article, ArticleStatus, WikiPage, WikiRevision

WIKI = "wikipage"
ARTICLE = "article"


def object_id(kind: str, pk: int) -> str:
    """The id of a page or an article in the activity log: prefixed, so that it never meets a
    post's id in the interaction log (`wiki:3`, `article:3`)."""
    return f"{'wiki' if kind == WIKI else 'article'}:{pk}"


def _uid(viewer: Viewer) -> int | None:
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def get_content_workspace_for(viewer: Viewer, workspace_id: Any) -> Workspace:
    """A workspace whose content the viewer may read; NotFound otherwise (a private one's wiki
    and articles are as invisible to a non-member as a secret one's)."""
    ws = ws_queries.get_workspace_for(viewer, workspace_id)
    if not ws_queries.can_read(viewer, ws):
        raise NotFound(f"No workspace {ws.pk}.")
    return ws


def may_write(role: str | None) -> bool:
    """Whether a workspace role writes its wiki and articles: every active member."""
    return role is not None


# ------------------------------------------------------------------------------- wiki
def readable_pages_for(viewer: Viewer) -> QuerySet[WikiPage]:
    return WikiPage.objects.filter(workspace__in=ws_queries.readable_workspace_ids(viewer))


def page_workspace_id(page_id: Any) -> int | None:
    """The workspace a page id belongs to (it never changes), read before the page's change
    marks and the page itself; None for an id that names no page. Tells nothing of the page."""
    pid = as_id(page_id)
    if pid is None:
        return None
    return WikiPage.objects.filter(pk=pid).values_list("workspace_id", flat=True).first()


def article_workspace_id(article_id: Any) -> int | None:
    """The workspace an article id belongs to (it never changes), read before the article's
    change marks and the article itself; None for an id that names none. Tells nothing of it."""
    aid = as_id(article_id)
    if aid is None:
        return None
    return Article.objects.filter(pk=aid).values_list("workspace_id", flat=True).first()


def get_wiki_page_for(viewer: Viewer, page_id: Any) -> WikiPage:
    """A page the viewer may read, with its workspace and current revision; else NotFound."""
    pid = id_or_not_found(page_id, "wiki page")
    page = (
        readable_pages_for(viewer)
        .select_related("workspace", "current", "current__author", "parent", "source_post")
        .filter(pk=pid)
        .first()
    )
    if page is None:
        raise NotFound(f"No wiki page {pid}.")
    return page


def list_wiki_pages_for(viewer: Viewer, workspace_id: Any) -> QuerySet[WikiPage]:
    """The pages of a workspace's wiki, by title."""
    ws = get_content_workspace_for(viewer, workspace_id)
    return (
        WikiPage.objects.filter(workspace=ws)
        .select_related("current", "current__author")
        .order_by("title", "id")
    )


@dataclass(frozen=True)
class TreeEntry:
    page_id: int
    title: str
    depth: int

    @property
    def indent(self) -> int:
        """How far the page is drawn in (pages deeper than five line up with the fifth)."""
        return min(self.depth, 5)


def wiki_tree_for(viewer: Viewer, workspace_id: Any) -> list[TreeEntry]:
    """The workspace's pages as a tree, depth first, children by title."""
    rows = list(list_wiki_pages_for(viewer, workspace_id).values_list("pk", "title", "parent_id"))
    children: dict[int | None, list[tuple[int, str]]] = {}
    for pk, title, parent in rows:
        children.setdefault(parent, []).append((pk, title))
    out: list[TreeEntry] = []
    stack = [(pk, title, 0) for pk, title in reversed(children.get(None, []))]
    while stack:
        pk, title, depth = stack.pop()
        out.append(TreeEntry(pk, title, depth))
        stack += [(c, t, depth + 1) for c, t in reversed(children.get(pk, []))]
    return out


def pages_named(workspace_id: int, titles: list[str]) -> dict[str, int]:
    """Ids of the workspace's pages by the lower-cased title or slug a `[[link]]` names (the
    caller has read the page that links, so may read its workspace)."""
    if not titles:
        return {}
    wanted = {t.lower() for t in titles}
    slugs = {slugify(t, allow_unicode=True): t.lower() for t in titles}
    found: dict[str, int] = {}
    qs = WikiPage.objects.filter(workspace_id=workspace_id).filter(
        Q(slug__in=list(slugs)) | Q(title__in=titles)
    )
    for pk, title, slug in qs.values_list("pk", "title", "slug"):
        if title.lower() in wanted:
            found[title.lower()] = pk
        elif slug in slugs:
            found.setdefault(slugs[slug], pk)
    # Titles differing from a link's text only by case are found here (`title__in` is exact).
    for t in wanted - set(found):
        same = WikiPage.objects.filter(workspace_id=workspace_id, title__iexact=t)
        if first := same.values_list("pk", flat=True).first():
            found[t] = first
    return found


def list_wiki_revisions_for(viewer: Viewer, page_id: Any) -> QuerySet[WikiRevision]:
    """Every revision of a page the viewer may read, newest first."""
    page = page_id if isinstance(page_id, WikiPage) else get_wiki_page_for(viewer, page_id)
    return page.revisions.select_related("author").order_by("-number")


def get_wiki_revision_for(viewer: Viewer, page_id: Any, revision_id: Any) -> WikiRevision:
    """One revision (by its id) of a page the viewer may read; NotFound for another page's."""
    page = page_id if isinstance(page_id, WikiPage) else get_wiki_page_for(viewer, page_id)
    rid = id_or_not_found(revision_id, "revision")
    rev = page.revisions.select_related("author").filter(pk=rid).first()
    if rev is None:
        raise NotFound(f"No revision {rid} of wiki page {page.pk}.")
    return rev


@dataclass(frozen=True)
class RevisionDiff:
    page_id: int
    old: WikiRevision
    new: WikiRevision
    text: TextDiff

    @property
    def title_changed(self) -> bool:
        return self.old.title != self.new.title


def revision_diff(old: WikiRevision, new: WikiRevision) -> RevisionDiff:
    """The diff of two revisions of one page the caller has read."""
    return RevisionDiff(old.page_id, old, new, diff_texts(old.body, new.body))


def wiki_diff_for(viewer: Viewer, page_id: Any, from_id: Any, to_id: Any) -> RevisionDiff:
    """The diff between two revisions of a page the viewer may read. Without `to`, the current
    revision; without `from`, the one before `to` (or `to` itself, the first: no change)."""
    page = get_wiki_page_for(viewer, page_id)
    if to_id in (None, ""):
        to_id = page.current_id
    new = get_wiki_revision_for(viewer, page, to_id)
    if from_id in (None, ""):
        before = page.revisions.filter(number__lt=new.number).order_by("-number")
        old = before.select_related("author").first() or new
    else:
        old = get_wiki_revision_for(viewer, page, from_id)
    return revision_diff(old, new)


def would_cycle(page: WikiPage, parent_id: int) -> bool:
    """Whether making `parent_id` the parent of `page` would close a loop in the tree."""
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == page.pk:
            return True
        seen.add(current)
        current = WikiPage.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return False


# ---------------------------------------------------------------------------- articles
def readable_articles_for(viewer: Viewer) -> QuerySet[Article]:
    """Published articles in workspaces the viewer may read, and the viewer's own drafts there."""
    mine = Q(status=ArticleStatus.DRAFT, author_id=_uid(viewer) or 0)
    return Article.objects.filter(
        Q(status=ArticleStatus.PUBLISHED) | mine,
        workspace__in=ws_queries.readable_workspace_ids(viewer),
    )


def get_article_for(viewer: Viewer, article_id: Any) -> Article:
    """An article the viewer may read (a draft: its author only); else NotFound."""
    aid = id_or_not_found(article_id, "article")
    article = (
        readable_articles_for(viewer)
        .select_related("workspace", "author", "post")
        .filter(pk=aid)
        .first()
    )
    if article is None:
        raise NotFound(f"No article {aid}.")
    return article


def list_articles_for(viewer: Viewer, workspace_id: Any) -> QuerySet[Article]:
    """A workspace's published articles, newest first, and the viewer's drafts there."""
    ws = get_content_workspace_for(viewer, workspace_id)
    return (
        readable_articles_for(viewer)
        .filter(workspace=ws)
        .select_related("author", "workspace", "post")
    )


def is_author(viewer: Viewer, article: Article) -> bool:
    return article.author_id == _uid(viewer)
