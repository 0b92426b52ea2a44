"""Helpers for tests that read pages as people see them."""

from __future__ import annotations

import re


def card(page: str, post_id: int) -> str:
    """The HTML of one post's card on a page (fails when the post is not there)."""
    m = re.search(rf'<article class="post[^"]*" id="post-{post_id}"[^>]*>.*?</article>', page, re.S)
    assert m, f"post {post_id} not on the page"
    return m.group(0)
