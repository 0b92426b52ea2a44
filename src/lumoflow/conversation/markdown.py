"""Render post Markdown to safe HTML: markdown-it-py (CommonMark, raw HTML off), then nh3.

`@username` becomes a link to the person and `#hashtag` a link to the hashtag page; both are
found in the text outside code (inline and fenced), so `#include` in a code block stays code.
Images show only from this site; an image from elsewhere becomes a link to it.

Most posts are one line of prose. A body of letters, digits, spaces and punctuation that no
Markdown rule reads (`_PROSE`) parses to one paragraph holding one text token, so it skips the
parser and goes through the same linkifier, renderer and sanitiser as that token would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from lumoflow.core import limits

MENTION_RE = re.compile(
    rf"(?<![\w@/.])@([A-Za-z0-9_.+-]{{1,{limits.USERNAME}}}?)(?=[.,;:!?)]*(?:\s|$))"
)
HASHTAG_RE = re.compile(
    rf"(?<![\w&#/])#([^\W\d_][\w-]{{0,{limits.HASHTAG - 1}}}"
    rf"|\d+[^\W\d][\w-]{{0,{limits.HASHTAG - 2}}})",
    re.UNICODE,
)

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")
_md.enable("table")
_TAGS = {
    "a", "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
_ATTRS = {"a": {"href", "title", "class"}, "img": {"src", "alt", "title"}, "code": {"class"}}
# An image whose address is a path on this site: one slash, not two (nor a slash and a
# backslash, which browsers read as two). Any other image would be loaded from elsewhere when the
# post is shown (a tracking pixel, say), so it becomes a link (`_image_as_link`).
_SITE_IMAGE = re.compile(r"/(?![/\\])")
# One line that starts with a letter (so no list, heading, quote or code block) and holds only
# letters, digits, spaces and ,.'?!;:()/%@#- (none of them starts inline Markdown). It must not
# end in a space either: the parser trims that from the paragraph.
_PROSE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.'?!;:()/%@#-])*")


def _is_prose(body: str) -> bool:
    return _PROSE.fullmatch(body) is not None and not body.endswith(" ")


def _text_tokens(tokens: Iterable[Token]) -> Iterable[Token]:
    """Yield the plain-text inline tokens (not code, not inside links)."""
    for tok in tokens:
        if tok.type != "inline" or not tok.children:
            continue
        in_link = 0
        for child in tok.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            elif child.type == "text" and not in_link:
                yield child


def extract(body: str) -> tuple[list[str], list[str]]:
    """Return the usernames mentioned and hashtags used (lowercased, unique, in order)."""
    mentions: dict[str, None] = {}
    tags: dict[str, None] = {}
    texts = [body] if _is_prose(body) else [tok.content for tok in _text_tokens(_md.parse(body))]
    for text in texts:
        for m in MENTION_RE.finditer(text):
            mentions[m.group(1).rstrip(".")] = None
        for m in HASHTAG_RE.finditer(text):
            tags[m.group(1).lower()] = None
    return list(mentions), list(tags)


def _linkify(tok: Token, known_people: set[str], hashtag_url: str, person_url: str) -> list[Token]:
    """Split a text token into text and link tokens for mentions and hashtags."""
    pattern = re.compile(f"{MENTION_RE.pattern}|{HASHTAG_RE.pattern}", re.UNICODE)
    out: list[Token] = []
    pos = 0
    text = tok.content
    for m in pattern.finditer(text):
        user, tag = m.group(1), m.group(2)
        if user is not None:
            user = user.rstrip(".")
            if user.lower() not in known_people:
                continue
            href, label, cls = person_url.format(user), f"@{user}", "mention"
            end = m.start() + 1 + len(user)
        else:
            href, label, cls = hashtag_url.format(tag.lower()), f"#{tag}", "hashtag"
            end = m.end()
        if m.start() > pos:
            out.append(Token("text", "", 0, content=text[pos : m.start()]))
        link = Token("link_open", "a", 1, attrs={"href": href, "class": cls})
        out += [link, Token("text", "", 0, content=label), Token("link_close", "a", -1)]
        pos = end
    if pos < len(text):
        out.append(Token("text", "", 0, content=text[pos:]))
    return out


def _image_as_link(image: Token, *, in_link: bool) -> list[Token]:
    """A link to an image from elsewhere, labelled with its alt text (its address when it has
    none); inside a link, the alt text alone (a link cannot hold another)."""
    src = str(image.attrGet("src"))
    renderer = cast(RendererHTML, _md.renderer)
    alt = renderer.renderInlineAsText(image.children or [], _md.options, {}) or src
    label = Token("text", "", 0, content=alt)
    if in_link:
        return [label]
    attrs: dict[str, str | int | float] = {"href": src}
    if title := image.attrGet("title"):
        attrs["title"] = str(title)
    return [Token("link_open", "a", 1, attrs=attrs), label, Token("link_close", "a", -1)]


def render(
    body: str,
    *,
    known_people: Iterable[str] = (),
    hashtag_url: str = "/hashtags/{}",
    person_url: str = "/people/{}",
) -> str:
    """Return sanitised HTML for `body`; links get rel="nofollow noopener"."""
    known = {p.lower() for p in known_people}
    if _is_prose(body):
        text = Token("text", "", 0, content=body)
        renderer = cast(RendererHTML, _md.renderer)
        inline = renderer.renderInline(
            _linkify(text, known, hashtag_url, person_url), _md.options, {}
        )
        return _clean(f"<p>{inline}</p>\n")
    tokens = _md.parse(body)
    for tok in tokens:
        if tok.type != "inline" or not tok.children:
            continue
        children: list[Token] = []
        in_link = 0
        for child in tok.children:
            if child.type in ("link_open", "link_close"):
                in_link += 1 if child.type == "link_open" else -1
            if child.type == "text" and not in_link:
                children += _linkify(child, known, hashtag_url, person_url)
            elif child.type == "image" and not _SITE_IMAGE.match(str(child.attrGet("src"))):
                children += _image_as_link(child, in_link=bool(in_link))
            else:
                children.append(child)
        tok.children = children
    return _clean(_md.renderer.render(tokens, _md.options, {}))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
