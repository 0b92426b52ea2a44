"""What search indexes of each kind of object, stated once for the actions and for reindexing.

An action calls `index_<thing>(obj)` inside its transaction after its write: the object is put
in the index as it now is, or dropped when it may no longer be found (a post deleted or
hidden, a person deactivated). `lumoflow reindex` builds the same documents through
`<thing>_doc`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from lumoflow.conversation.models import Post
from lumoflow.knowledge.models import Article, WikiPage
from lumoflow.people.models import User
from lumoflow.workspaces.models import Workspace

from . import index
from .index import Doc
from .models import Kind


def post_kind(post: Post) -> str:
    return Kind.REPLY if post.parent_id else Kind.POST


def post_row_doc(
    pk: int, *, workspace_id: int, author_id: int, is_reply: bool, body: str, at: datetime
) -> Doc:
    """A post or reply: its Markdown text, found by readers of its workspace."""
    return Doc(Kind.REPLY if is_reply else Kind.POST, pk, workspace_id, author_id, "", body, at)


def post_doc(post: Post) -> Doc:
    return post_row_doc(
        post.pk,
        workspace_id=post.workspace_id,
        author_id=post.author_id,
        is_reply=post.parent_id is not None,
        body=post.body,
        at=post.created_at,
    )


def post_is_shown(post: Post) -> bool:
    return post.deleted_at is None and post.hidden_at is None


def person_doc(person: User) -> Doc:
    """A person: name, username, title, department and location; found by anyone signed in."""
    department = person.department.path if person.department_id and person.department else ""
    body = " ".join(x for x in (person.username, person.title, department, person.location) if x)
    return Doc(Kind.PERSON, person.pk, None, person.pk, person.name, body, person.date_joined)


def workspace_doc(ws: Workspace) -> Doc:
    """A workspace: name and purpose, found by those who see it listed."""
    return Doc(Kind.WORKSPACE, ws.pk, ws.pk, None, ws.name, ws.purpose, ws.created_at)


_WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+)\]\]")


def wiki_doc(page: WikiPage, body: str) -> Doc:
    """A wiki page: its title and current text (`body`), found by readers of its workspace. A
    `[[Page title]]` link is indexed as its words, as the page shows it (snippets show no
    brackets)."""
    text = _WIKI_LINK.sub(r"\1", body)
    return Doc(
        Kind.WIKI, page.pk, page.workspace_id, page.created_by_id, page.title, text, page.created_at
    )


def article_doc(article: Article) -> Doc:
    """A published article: title, summary and text (drafts are never indexed)."""
    return Doc(
        Kind.ARTICLE,
        article.pk,
        article.workspace_id,
        article.author_id,
        article.title,
        f"{article.summary}\n\n{article.body}",
        article.published_at or article.created_at,
    )


def index_posts(posts: Iterable[Post]) -> None:
    """Put posts and replies in the index as they now are (dropping those taken down)."""
    shown = []
    for post in posts:
        if post_is_shown(post):
            shown.append(post_doc(post))
        else:
            index.drop(kind=post_kind(post), object_id=post.pk)
    index.put_many(shown)


def index_people(people: Iterable[User]) -> None:
    """Put people in the index as they now are (dropping those deactivated)."""
    active = []
    for person in people:
        if person.is_active:
            active.append(person_doc(person))
        else:
            index.drop(kind=Kind.PERSON, object_id=person.pk)
    index.put_many(active)


def index_workspaces(workspaces: Iterable[Workspace]) -> None:
    """Put workspaces in the index as they now are (visibility is read when searching)."""
    index.put_many(workspace_doc(ws) for ws in workspaces)
