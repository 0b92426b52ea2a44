"""A person's face: their photo, or their initials on a colour derived from their name.

One function writes the HTML for cards (Python) and templates (`{% load faces %}{% face p %}`),
so every list shows a person the same way. The colour is one of `COLOURS` classes (`face-0`…),
picked by a stable hash of the name (never Python's `hash`, which changes between processes),
each with white text at WCAG AA contrast in both themes; the stylesheet holds the colours, as
the content security policy forbids `style` attributes.
"""

from __future__ import annotations

import hashlib
from functools import cache
from html import escape
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

COLOURS = 10
SIZES = {"small": 64, "large": 256}  # the photo kept for each use (core.images.PHOTO_SIZES)


def initials(name: str) -> str:
    """Up to two letters: the first of the first and of the last word.

    >>> initials("Jonas Ali"), initials("ada"), initials("Mary van der Berg"), initials("")
    ('JA', 'A', 'MB', '?')
    """
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    first, last = words[0], words[-1]
    return (first[0] + (last[0] if len(words) > 1 else "")).upper()


def colour(name: str) -> int:
    """The person's colour class, 0 … COLOURS-1, the same for the same name everywhere.

    >>> colour("Jonas Ali") == colour("jonas ali"), 0 <= colour("Jonas Ali") < COLOURS
    (True, True)
    """
    digest = hashlib.blake2s(name.casefold().encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % COLOURS


@cache
def _photo_url_template() -> str:
    return reverse("people:photo", args=["USERNAME", 64]).replace("USERNAME", "{}")


def photo_url(person: Any, size: str = "small") -> str:
    """The address of a person's photo at `size` ("small" or "large"); its file's name goes in
    the query as a version, so a changed photo is fetched anew."""
    field = person.photo_small if size == "small" else person.photo
    base = _photo_url_template().replace("/64", f"/{SIZES[size]}")
    name = str(field.name or "").rsplit("/", 1)[-1]
    username = quote(person.username, safe=RFC3986_SUBDELIMS + "/~:@")
    return escape(base.format(username) + "?v=" + quote(name))


def face_html(person: Any, *, size: str = "small") -> str:
    """The face of a person, decorative (their name is always written next to it)."""
    cls = "avatar" if size == "small" else "avatar large"
    if person.photo_small:
        return (
            f'<img class="{cls}" src="{photo_url(person, size)}" alt="" '
            f'width="{40 if size == "small" else 96}" height="{40 if size == "small" else 96}">'
        )
    name = person.name
    text = escape(initials(name))
    return f'<span class="{cls} face-{colour(name)}" aria-hidden="true">{text}</span>'
