"""A loop of distinct query strings over pages of large posts leaves a worker's memory flat:
cache keys hold parsed parameters only, and the fragment cache is bounded in bytes (committed
data, so these tests commit)."""

from __future__ import annotations

import gc
import tracemalloc
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from lumoflow.conversation import actions as conv

pytestmark = pytest.mark.django_db(transaction=True)

LARGE = " ".join(["Quarterly pilot notes with figures and names."] * 300)  # ~14 kB each


def _large_posts(org: Any) -> None:
    conv.follow(org.mia, workspace_id=org.launch.pk)
    for i in range(20):
        conv.create_post(org.fred, org.launch.pk, kind="update", body=f"{i} {LARGE}")


def _retained_after(client: Client, paths: list[str]) -> int:
    """Bytes still allocated after loading `paths` (what the loop left behind)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for path in paths:
        assert client.get(path).status_code == 200
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before


@pytest.mark.parametrize("page", ["/", "/workspaces/{ws}"])
def test_distinct_query_strings_leave_worker_memory_flat(org: Any, page: str) -> None:
    # given twenty large posts on the page, loaded once
    _large_posts(org)
    client = Client()
    client.force_login(org.mia)
    base = page.format(ws=org.launch.pk)
    assert client.get(base).status_code == 200
    cache = caches["fragments"]
    size = cache.size  # type: ignore[attr-defined]
    # when the page is loaded under 150 query strings it does not read
    retained = _retained_after(client, [f"{base}?x={i}" for i in range(150)])
    # then the cache holds nothing more (a card whose age came to read otherwise on a slow
    # machine is rebuilt in its place, a few bytes apart), and the worker keeps well under one
    # page's cards
    assert abs(cache.size - size) < 10_000  # type: ignore[attr-defined]
    assert retained < 1_000_000, f"{retained} bytes retained after 150 query strings"


def test_the_page_sends_people_back_to_the_address_they_came_from(org: Any) -> None:
    # The address is put in per request, not cached with the cards.
    _large_posts(org)
    client = Client()
    client.force_login(org.mia)
    for query in ("?x=1", "?x=2&amp=3"):
        html = client.get(f"/{query}").content.decode()
        assert f'name="next" value="/{query.replace("&", "&amp;")}#post-' in html
