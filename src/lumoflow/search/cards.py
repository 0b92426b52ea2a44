"""Where a search result links to, for the page and the API alike."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from lumoflow.conversation.cards import person_url, url_template

from .models import Kind
from .queries import Hit

#: The page of each kind, by URL name taking the object's id (people link by username).
URL_NAMES: dict[str, str] = {
    Kind.POST: "conversation:post",
    Kind.REPLY: "conversation:post",  # a reply's permalink redirects to its place in the thread
    Kind.WORKSPACE: "workspaces:detail",
    Kind.WIKI: "knowledge:page",
    Kind.ARTICLE: "knowledge:article",
}


def hit_url(hit: Hit) -> str:
    """The page a result opens ("" for a kind whose pages are not installed)."""
    if hit.kind == Kind.PERSON:
        return person_url(hit.author_username)
    try:
        return url_template(URL_NAMES[hit.kind]).format(hit.object_id)
    except (KeyError, NoReverseMatch):
        return ""


def search_url() -> str:
    return reverse("search:search")
