"""Shared page fragments: HTML built once for everyone who sees the same thing, then finished
per request.

A fragment is cached under a key that names everything it depends on (the data's change marks
from the activity log, the viewer's role, time zone, the filters), and is used only while
`fresh` (relative times such as "5 min ago" read the same), so a change shows at once and
nothing is ever served stale. It holds no one's secrets: forms carry `csrf_mark()` where the
token goes, and `finish` swaps in the requesting person's token.
The cache is Django's "fragments" cache: in-process by default, kept as objects rather than
copies (`core.cache`), so every cached value is immutable; Redis when LUMOFLOW_REDIS_URL is set.
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

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
LIFETIME = 3600  # seconds an entry may stay; its key and freshness decide whether it is used


@cache
def csrf_mark() -> str:
    """Stands for the CSRF token in shared HTML; derived from the secret key, so unguessable
    (content that contained it would otherwise be handed someone's token)."""
    return "csrf" + salted_hmac("lumoflow.core.fragments", "csrf-mark").hexdigest()[:32]


def _key(parts: tuple[Hashable, ...]) -> str:
    return "frag:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def cached(
    parts: tuple[Hashable, ...], build: Callable[[], T], fresh: Callable[[T], bool] | None = None
) -> T:
    """The value cached under `parts`, built and stored when missing (or no longer `fresh`).

    Inside a transaction nothing is cached: what it reads may never be committed (and the ids
    of rolled-back change marks come back), so only committed data is ever shared.
    """
    return cached_many({0: parts}, lambda _: {0: build()}, fresh)[0]


def cached_many(
    parts: Mapping[K, tuple[Hashable, ...]],
    build: Callable[[list[K]], dict[K, T]],
    fresh: Callable[[T], bool] | None = None,
) -> dict[K, T]:
    """`cached` for many values in two cache round trips: those missing (or no longer `fresh`)
    are built together by `build(keys)`."""
    if connection.in_atomic_block:
        return build(list(parts))
    keys = {k: _key(p) for k, p in parts.items()}
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
    """Put the requesting person's CSRF token where shared HTML has the mark."""
    return html.replace(csrf_mark(), csrf_token(request))


_TITLE, _CONTENT = "<!--title-->", "<!--content-->"


def page(
    request: Any, *, title: str, nav: str, content: str, shows: tuple[Hashable, ...]
) -> HttpResponse:
    """A page in the site's chrome (base.html), the chrome rendered once per person and section.

    The chrome shows the person's name, the section they are in and what the apps put in it for
    them (`shows`: their unread count): those make its key. Messages (shown once) and the CSRF
    token are put in per request; `content` is finished HTML.
    """
    user = request.user
    parts = ("chrome", user.pk, user.name, user.is_staff, nav, *shows)
    context = {
        "nav": nav,
        "messages": (),
        "csrf_token": csrf_mark(),
        "title_mark": mark_safe(_TITLE),  # noqa: S308 (constants)
        "content_mark": mark_safe(_CONTENT),  # noqa: S308
    }
    chrome = cached(parts, lambda: render_to_string("_shell.html", context, request=request))
    shown = list(get_messages(request))
    notes = render_to_string("_messages.html", {"messages": shown}) if shown else ""
    head, tail = chrome.split(_CONTENT, 1)
    html = head.replace(_TITLE, escape(title), 1) + notes + content + tail
    return HttpResponse(finish(html, request))
