"""Render post cards to HTML in Python.

Feeds show twenty cards per page, each with a dozen links and forms; the template engine spent
most of a feed request on them (about 35 ms a page against about 1 ms here), so the card is
built with f-strings and the standard library's `html.escape`. Every value is escaped except
`body_html`, which was sanitised by nh3 when the post was written.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape as _escape
from typing import Any
from urllib.parse import quote

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

from lumoflow.core import limits
from lumoflow.core.context import csrf_token
from lumoflow.core.images import THUMB_BOX
from lumoflow.core.marks import Marks
from lumoflow.core.times import age_unchanged_for, exact, time_tag
from lumoflow.people.faces import face_html

from .models import EMOJIS
from .queries import PostCard


def escape(value: Any) -> str:
    return _escape(str(value), quote=True)


def format_escaped(template: str, *args: Any) -> str:
    """`template.format(*args)` with every argument HTML-escaped, returned as a plain `str`.

    Not Django's `format_html`: that one returns a SafeString and checks each argument for lazy
    strings, which costs too much on the hot path; mark the finished HTML safe once instead.
    """
    return template.format(*(escape(a) for a in args))


@dataclass(frozen=True)
class CardOptions:
    """What the viewer may do on these cards, and how they are shown."""

    user_id: int | None
    csrf: str
    back: str
    show_workspace: bool = False
    can_react: bool = True
    can_accept: bool = False
    can_facilitate: bool = False
    accepted_id: int | None = None
    # Shared HTML (`core.fragments`): no viewer yet, so the parts that differ per viewer (their
    # reactions, controls on their own posts) are marked for `personalise` to redo.
    shared: bool = False


def options_for(request: Any, **kw: Any) -> CardOptions:
    user = getattr(request, "user", None)
    return CardOptions(
        user_id=getattr(user, "pk", None),
        csrf=csrf_token(request),
        back=request.get_full_path(),
        **kw,
    )


@functools.cache
def url_template(name: str) -> str:
    """The URL pattern of a named view with one id, as a str.format template."""
    return reverse(name, args=[987654321]).replace("987654321", "{}")


def person_url(username: str) -> str:
    """A person's page, the username quoted as `reverse` quotes it."""
    return url_template("people:person").format(quote(username, safe=RFC3986_SUBDELIMS + "/~:@"))


def post_url(p: Any) -> str:
    """The permalink of a post: its thread's page, at the post for a reply."""
    if p.thread_id:
        return url_template("conversation:post").format(p.thread_id) + f"#post-{p.pk}"
    return url_template("conversation:post").format(p.pk)


def _form(action: str, o: CardOptions, inner: str, *, extra: str = "") -> str:
    # hx-post: sent in place; the card (its <article>) names what is swapped (core.inplace)
    return (
        f'<form method="post" action="{action}" hx-post="{action}"{extra}>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(o.csrf)}">'
        f"{inner}</form>"
    )


def _pills(p: Any) -> str:
    if p.thread_id or not p.kind:
        return ""
    out = format_escaped('<span class="pill kind-{}">{}</span>', p.kind, p.get_kind_display())
    if p.kind == "question":
        out += (
            '<span class="pill answered">Answered</span>'
            if p.accepted_answer_id
            else '<span class="pill open">Open</span>'
        )
    if p.kind == "idea" and p.idea_status:
        out += format_escaped(
            '<span class="pill idea-{}">{}</span>', p.idea_status, p.get_idea_status_display()
        )
    return out


def _meta(p: Any, o: CardOptions, now: Any) -> str:
    parts = []
    if o.show_workspace:
        parts.append(
            format_escaped(
                'in <a href="{}">{}</a>',
                url_template("workspaces:detail").format(p.workspace_id),
                p.workspace.name,
            )
        )
    if p.thread_id and p.parent_id != p.thread_id:
        parts.append(format_escaped("in reply to {}", p.parent.author.name))
    parts.append(f'<a href="{escape(post_url(p))}">{time_tag(p.created_at, now)}</a>')
    if p.edited_at:
        parts.append(format_escaped('<span title="edited {}">edited</span>', exact(p.edited_at)))
    if p.objective_id and not p.thread_id:
        parts.append(format_escaped('<span class="objective-link">◎ {}</span>', p.objective.title))
    return " · ".join(parts)


@functools.cache
def _picks() -> str:
    """The reaction picker's buttons (the same on every card)."""
    return "".join(
        format_escaped(
            '<button class="reaction" name="emoji" value="{}" title="React {}">{}</button>', e, e, e
        )
        for e in EMOJIS
    )


def _reactions(pk: int, reactions: Sequence[tuple[str, int, bool]], o: CardOptions) -> str:
    back = escape(f"{o.back}#post-{pk}")
    hidden = f'<input type="hidden" name="next" value="{back}">'
    buttons = "".join(
        format_escaped(
            '<button class="reaction{}" name="emoji" value="{}" aria-pressed="{}" '
            'title="{} {}">{} {}</button>',
            " mine" if mine else "",
            emoji,
            "true" if mine else "false",
            "Take back" if mine else "React",
            emoji,
            emoji,
            count,
        )
        for emoji, count, mine in reactions
    )
    out = (
        _form(url_template("conversation:react").format(pk), o, hidden + buttons) if buttons else ""
    )
    if o.can_react:
        picks = _picks()
        out += (
            '<details class="react-picker"><summary aria-label="Add a reaction">☺︎+</summary>'
            + _form(
                url_template("conversation:react").format(pk),
                o,
                hidden + picks,
                extra=' class="picker"',
            )
            + "</details>"
        )
    return out


def _links(p: Any, o: CardOptions) -> str:
    out = []
    if not p.thread_id:
        n = p.reply_count
        label = f"{n} repl{'y' if n == 1 else 'ies'}" if n else "Reply"
        out.append(f'<a href="{url_template("conversation:post").format(p.pk)}">{label}</a>')
    if o.can_accept and p.thread_id and o.accepted_id != p.pk:
        out.append(
            _form(
                url_template("conversation:accept").format(p.thread_id),
                o,
                f'<input type="hidden" name="reply_id" value="{p.pk}">'
                '<button class="link">Accept as answer</button>',
                extra=_WHOLE_THREAD,
            )
        )
    if p.author_id == o.user_id:
        out.append(f'<a href="{url_template("conversation:edit").format(p.pk)}">Edit</a>')
        out.append(
            _form(
                url_template("conversation:delete").format(p.pk),
                o,
                '<button class="link">Delete</button>',
                extra=' data-confirm="Delete this post?"',
            )
        )
    if o.can_facilitate and p.author_id != o.user_id:
        out.append(
            '<details class="hide-form"><summary>Hide</summary>'
            + _form(
                url_template("conversation:hide").format(p.pk),
                o,
                '<label>Reason <input type="text" name="reason" required '
                f'maxlength="{limits.HIDDEN_REASON}">'
                '</label><button class="danger">Hide post</button>',
            )
            + "</details>"
        )
    return "".join(out)


#: What a file that is not shown inline is, in people's words (by its sniffed type).
FILE_TYPES = {
    "application/pdf": "PDF",
    "application/zip": "ZIP archive",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
}


def _files(attachments: Sequence[Any]) -> str:
    """Images as thumbnails opening the full image; other files as links with type and size."""
    shown = [a for a in attachments if a.thumbnail]
    listed = [a for a in attachments if not a.thumbnail]
    out = ""
    if shown:
        out += '<div class="post-images">' + "".join(_thumb(a) for a in shown) + "</div>"
    if listed:
        out += (
            '<ul class="attachments">'
            + "".join(
                format_escaped(
                    '<li><a href="{}" download>📎 {}</a> '
                    '<span class="muted small">{} · {}</span></li>',
                    url_template("conversation:attachment").format(a.pk),
                    a.name,
                    FILE_TYPES.get(a.content_type, a.content_type.split("/")[-1].upper()),
                    filesizeformat(a.size),
                )
                for a in listed
            )
            + "</ul>"
        )
    return out


def _thumb(a: Any) -> str:
    w, h = a.width or THUMB_BOX, a.height or THUMB_BOX
    scale = min(1.0, THUMB_BOX / max(w, h))
    return format_escaped(
        '<a class="post-image" href="{}" title="{} · open full size ({} × {})">'
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy"></a>',
        url_template("conversation:attachment").format(a.pk),
        a.name,
        w,
        h,
        url_template("conversation:thumbnail").format(a.pk),
        a.name,
        max(1, round(w * scale)),
        max(1, round(h * scale)),
    )


# An accepted answer moves to the top of its thread: the whole thread is what changes.
_WHOLE_THREAD = ' hx-target="#thread" hx-select="#thread"'


def render_card(card: PostCard, o: CardOptions, now: Any = None) -> str:
    p = card.post
    now = now or timezone.now()
    classes = "post" + (" reply" if p.thread_id else "")
    if o.accepted_id and o.accepted_id == p.pk:
        classes += " accepted"
    author = p.author
    files = _files(card.attachments)
    reactions, links = _reactions(p.pk, card.reactions, o), _links(p, o)
    if o.shared:
        reactions, links = _marked(f"r{p.pk}", reactions), _marked(f"l{p.pk}", links)
    note = ""
    if p.kind == "idea" and p.idea_note and not p.thread_id:
        note = format_escaped('<p class="idea-note muted">Status note: {}</p>', p.idea_note)
    return (
        format_escaped(
            '<article class="{}" id="post-{}" hx-target="this" hx-select="#post-{}" '
            'hx-swap="outerHTML" hx-select-oob="#messages"><header class="post-head">',
            classes,
            p.pk,
            p.pk,
        )
        + face_html(author)
        + format_escaped(
            '<div><a class="post-author" href="{}">{}</a>', person_url(author.username), author.name
        )
        + _pills(p)
        + f'<div class="muted small">{_meta(p, o, now)}</div></div></header>'
        + f'<div class="post-body">{p.body_html}</div>'
        + files
        + note
        + f'<footer class="post-foot"><div class="reactions">{reactions}</div>'
        + f'<div class="post-links muted small">{links}</div></footer></article>'
    )


def render_cards(cards: Sequence[PostCard], o: CardOptions) -> SafeString:
    now = timezone.now()
    return mark_safe("\n".join(render_card(c, o, now) for c in cards))  # noqa: S308


# ------------------------------------------------------------------ shared cards, per viewer
def _marked(name: str, html: str) -> str:
    # HTML comments cannot come from content: bodies are sanitised (nh3 drops comments) and
    # every other value is escaped.
    return f"<!--{name}-->{html}<!--/{name}-->"


@dataclass(frozen=True)
class CardToPersonalise:
    """What redoing a shared card's per-viewer parts needs (plain data, cheap to cache)."""

    pk: int
    author_id: int
    thread_id: int | None
    parent_id: int | None
    reply_count: int
    reactions: tuple[tuple[str, int], ...]


def to_personalise(cards: Sequence[PostCard]) -> list[CardToPersonalise]:
    return [
        CardToPersonalise(
            pk=c.post.pk,
            author_id=c.post.author_id,
            thread_id=c.post.thread_id,
            parent_id=c.post.parent_id,
            reply_count=c.post.reply_count,
            reactions=tuple((e, n) for e, n, _ in c.reactions),
        )
        for c in cards
    ]


def _splice(html: str, name: str, inner: str) -> str:
    """`html` with what its marks `name` enclose (`_marked`) replaced by `inner`; LookupError
    when the marks are missing (shared HTML not made by `render_card`), rather than showing one
    person's page with someone else's parts or none."""
    start, end = f"<!--{name}-->", f"<!--/{name}-->"
    i = html.find(start)
    j = html.find(end, i) if i >= 0 else -1
    if j < 0:
        raise LookupError(f"shared card HTML has no {start}…{end} to personalise")
    return html[: i + len(start)] + inner + html[j:]


def personalise(
    html: str, cards: Sequence[CardToPersonalise], o: CardOptions, mine: set[tuple[int, str]]
) -> str:
    """Shared cards as `o.user_id` sees them: their reactions pressed, controls on their posts."""
    for f in cards:
        pressed = [(e, n, (f.pk, e) in mine) for e, n in f.reactions]
        if any(m for _, _, m in pressed):
            html = _splice(html, f"r{f.pk}", _reactions(f.pk, pressed, o))
        if f.author_id == o.user_id:
            html = _splice(html, f"l{f.pk}", _links(f, o))
    return html


@dataclass(frozen=True)
class Shared:
    """A card as everyone sees it (`CardOptions.shared`), kept in the fragment cache."""

    html: str
    to_personalise: CardToPersonalise
    expires: float  # epoch seconds: its age ("5 min ago") reads otherwise from then on

    def fresh(self) -> bool:
        return time.time() < self.expires


def shared_cards(
    posts: Sequence[Any],
    o: CardOptions,
    decorate: Callable[[list[Any]], list[PostCard]],
    marks: Marks,
) -> list[Shared]:
    """The posts' cards as everyone with options `o` sees them, from the fragment cache while the
    data behind them has not changed (each card's key holds its workspace's change mark and the
    mark outside any workspace, from `marks`, read before the cards' data; see `core.fragments`)
    and its age reads the same. `posts` need only `pk` and `workspace_id`; `decorate(missing)`
    loads and decorates the cards to render. `personalise` then makes them the viewer's.

    Shared cards send people back to `fragments.back_mark()`, never to an address from the
    request: that would put raw request input in the key (ValueError otherwise).
    """
    from lumoflow.activity.actions import OUTSIDE
    from lumoflow.core import fragments

    if o.back != fragments.back_mark() or o.user_id is not None:
        raise ValueError("shared cards are for no viewer and link back to fragments.back_mark()")
    outside = marks.of(OUTSIDE)
    zone = timezone.get_current_timezone_name()
    flags = (o.show_workspace, o.can_react, o.can_facilitate, o.can_accept, o.accepted_id)
    by_id = {p.pk: p for p in posts}
    parts = {p.pk: ("card", p.pk, marks.of(p.workspace_id), outside, zone, *flags) for p in posts}

    def build(ids: list[int]) -> dict[int, Shared]:
        now = timezone.now()
        cards = decorate([by_id[i] for i in ids])  # the posts, loaded and decorated
        return {
            c.post.pk: Shared(
                render_card(c, o, now),
                to_personalise([c])[0],
                now.timestamp() + min(3600.0, age_unchanged_for(c.post.created_at, now)),
            )
            for c in cards
        }

    found = fragments.cached_many(parts, build, Shared.fresh, marks=marks)
    return [found[p.pk] for p in posts]
