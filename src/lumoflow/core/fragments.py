"""Shared page fragments: HTML built once for everyone who sees the same thing, then finished
per request.

A fragment is cached under a key that names everything it depends on (the change marks of the
data it shows, read before that data, with the database's epoch: `core.marks`; the viewer's
role, time zone, the parsed filters), and is used only while `fresh` (relative times such as "5
min ago" read the same), so a change shows at once and nothing is ever served stale. A key holds
parsed values only, never raw request input (`get_full_path()`, a cursor as sent): any query
string would otherwise make new entries. It holds no one's secrets nor the request's address:
forms carry `csrf_mark()` where the token goes and `back_mark()` where the page's own address
goes, and `finish` swaps in the requesting person's.
The cache is Django's "fragments" cache: in-process by default, bounded in bytes and kept as
objects rather than copies (`core.cache`), so every cached value is immutable; Redis when
LUMOFLOW_REDIS_URL is set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping
from functools import cache
from typing import Any, TypeVar

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .context import csrf_token
from .marks import Marks

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
LIFETIME = 3600  # seconds an entry may stay; its key and freshness decide whether it is used


@cache
def csrf_mark() -> str:
    """Stands for the CSRF token in shared HTML; derived from the secret key, so unguessable
    (content that contained it would otherwise be handed someone's token)."""
    return "csrf" + salted_hmac("lumoflow.core.fragments", "csrf-mark").hexdigest()[:32]


@cache
def back_mark() -> str:
    """Stands for the page's own address (where a form sends the person back) in shared HTML."""
    return "back" + salted_hmac("lumoflow.core.fragments", "back-mark").hexdigest()[:32]


def _key(epoch: int, parts: tuple[Hashable, ...]) -> str:
    return "frag:" + hashlib.blake2b(repr((epoch, parts)).encode(), digest_size=16).hexdigest()


def cached(
    parts: tuple[Hashable, ...],
    build: Callable[[], T],
    fresh: Callable[[T], bool] | None = None,
    *,
    marks: Marks,
) -> T:
    """The value cached under `parts` (which hold the versions it was read under) in `marks`'s
    epoch, built and stored when missing (or no longer `fresh`).

    Inside a transaction nothing is cached: what it reads may never be committed, so only
    committed data is ever shared. Nor is anything while the epoch is missing (after a flush).
    """
    return cached_many({0: parts}, lambda _: {0: build()}, fresh, marks=marks)[0]


def cached_many(
    parts: Mapping[K, tuple[Hashable, ...]],
    build: Callable[[list[K]], dict[K, T]],
    fresh: Callable[[T], bool] | None = None,
    *,
    marks: Marks,
) -> dict[K, T]:
    """`cached` for many values in two cache round trips: those missing (or no longer `fresh`)
    are built together by `build(keys)`."""
    epoch = marks.epoch
    if connection.in_atomic_block or epoch is None:
        return build(list(parts))
    keys = {k: _key(epoch, p) for k, p in parts.items()}
    store = caches["fragments"]
    stored = store.get_many(list(keys.values()))
    found: dict[K, T] = {}
    for k, key in keys.items():
        value = stored.get(key)
        if value is not None and (fresh is None or fresh(value)):
            found[k] = value
    missing = [k for k in parts if k not in found]
    if missing:
        made = build(missing)
        store.set_many({keys[k]: v for k, v in made.items()}, LIFETIME)
        found.update(made)
    return found


def finish(html: str, request: Any) -> str:
    """Put the requesting person's CSRF token and the page's address where shared HTML has
    their marks."""
    html = html.replace(csrf_mark(), csrf_token(request))
    return html.replace(back_mark(), escape(request.get_full_path()))


_TITLE, _CONTENT, _MESSAGES = "<!--title-->", "<!--content-->", "<!--messages-->"


def page(
    request: Any,
    *,
    title: str,
    nav: str,
    content: str,
    shows: tuple[Hashable, ...],
    marks: Marks,
) -> HttpResponse:
    """A page in the site's chrome (base.html), the chrome rendered once per person and section.

    The chrome shows the person's name, the section they are in and what the apps put in it for
    them (`shows`: their unread count): those make its key, in the epoch of `marks` (the page's
    own, read before its data). Messages (shown once) and the CSRF token are put in per request;
    `content` is finished HTML.
    """
    user = request.user
    parts = ("chrome", user.pk, user.name, user.is_staff, nav, *shows)
    context = {
        "nav": nav,
        "messages": (),
        "csrf_token": csrf_mark(),
        "title_mark": mark_safe(_TITLE),  # noqa: S308 (constants)
        "content_mark": mark_safe(_CONTENT),  # noqa: S308
        "messages_mark": mark_safe(_MESSAGES),  # noqa: S308
    }
    chrome = cached(
        parts, lambda: render_to_string("_shell.html", context, request=request), marks=marks
    )
    shown = list(get_messages(request))
    notes = render_to_string("_messages.html", {"messages": shown})
    head, tail = chrome.split(_CONTENT, 1)
    html = head.replace(_TITLE, escape(title), 1).replace(_MESSAGES, notes, 1) + content + tail
    return HttpResponse(finish(html, request))
