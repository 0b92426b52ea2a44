"""Reading a feed page's twenty shared cards from the fragment cache: kept as objects
(`core.cache.ObjectCache`, which checks on the way in that nothing can change them) vs Django's
in-process cache (`LocMemCache`, which pickles on the way in and unpickles on every read).

Cards as the home feed stores them (`conversation.cards.Shared`: about 3 kB of HTML and what
personalising it needs), read with one `get_many` of twenty keys, as a page does. The baseline is
LocMemCache's read in the same run; the ratio is how many times faster the object cache reads
(kept only while it is worth it: target ≥ 2). Writing (a page whose cards all changed) is
measured too, with the object cache's immutability check, against LocMemCache's pickling.
"""

from __future__ import annotations

import time
from typing import Any

from bench import common

CARDS = 20
HTML = (
    '<article class="post" id="post-{i}"><header class="post-head">'
    + "<span>Quarterly pilot notes with figures and names, escaped.</span>" * 45
    + "<!--r{i}--><!--/r{i}--><!--l{i}--><!--/l{i}--></article>"
)


def _cards() -> dict[str, Any]:
    from lumoflow.conversation.cards import CardToPersonalise, Shared

    return {
        f"card:{i}": Shared(
            HTML.format(i=i),
            CardToPersonalise(i, 7, None, None, 3, (("👍", 2), ("🎉", 1))),
            time.time() + 3600,
        )
        for i in range(CARDS)
    }


def _per_call(fn: Any, seconds: float) -> float:
    """Median microseconds per call over five runs of about `seconds` / 5 each."""
    runs = []
    for _ in range(5):
        n, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds / 5:
            for _ in range(100):
                fn()
            n += 100
        runs.append((time.perf_counter() - started) / n * 1e6)
    return common.median(runs)


def run() -> list[dict[str, Any]]:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", common.SETTINGS)
    django.setup()
    from django.core.cache.backends.locmem import LocMemCache

    from lumoflow.core.cache import ObjectCache

    cards = _cards()
    keys = list(cards)
    objects = ObjectCache("bench-fragments", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    pickled = LocMemCache("bench-fragments", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
    objects.set_many(cards, 3600)
    pickled.set_many(cards, 3600)
    assert objects.get_many(keys).keys() == pickled.get_many(keys).keys() == set(keys)
    spent = common.seconds(4.0)
    read_objects = _per_call(lambda: objects.get_many(keys), spent)
    read_pickled = _per_call(lambda: pickled.get_many(keys), spent)
    write_objects = _per_call(lambda: objects.set_many(cards, 3600), spent)
    write_pickled = _per_call(lambda: pickled.set_many(cards, 3600), spent)
    return [
        common.figure(
            "read 20 cards, object cache vs LocMemCache",
            read_objects,
            "µs",
            baseline=read_pickled,
            target=2.0,
            higher_is_better=False,
        ),
        common.figure(
            "write 20 cards, object cache (immutability checked) vs LocMemCache",
            write_objects,
            "µs",
            baseline=write_pickled,
            higher_is_better=False,
        ),
    ]
