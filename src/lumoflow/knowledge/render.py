"""Wiki Markdown to safe HTML: `[[Page title]]` links, then the posts' renderer and sanitiser.

A link names a page of the same workspace by title (any case) or slug; one that names no page
leads to the form that creates it, titled with the link's text, and is marked `wiki-missing`.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import reverse

from lumoflow.conversation import markdown

from . import queries

WIKI_LINK = re.compile(r"\[\[([^\[\]\n]{1,200})\]\]")
_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def link_titles(body: str) -> list[str]:
    """The page titles `body` links to, in order, once each."""
    return list(dict.fromkeys(m.strip() for m in WIKI_LINK.findall(body) if m.strip()))


def render_wiki(workspace_id: int, body: str) -> str:
    """Sanitised HTML of a wiki body in `workspace_id`, its `[[links]]` resolved now."""
    titles = link_titles(body)
    found = queries.pages_named(workspace_id, titles)
    missing = reverse("knowledge:new_page", args=[workspace_id]) + "?"

    def link(m: re.Match[str]) -> str:
        title = m.group(1).strip()
        if not title:
            return m.group(0)
        pk = found.get(title.lower())
        url = reverse("knowledge:page", args=[pk]) if pk else missing + urlencode({"title": title})
        text = _PUNCT.sub(r"\\\1", title)
        return f"[{text}](<{url}>)"

    html = markdown.render(WIKI_LINK.sub(link, body))
    return html.replace(f'<a href="{missing}', f'<a class="wiki-missing" href="{missing}')
