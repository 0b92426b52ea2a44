"""The in-process object cache behind the shared page fragments (core.cache)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest

from lumoflow.core.cache import ObjectCache


def _cache(name: str, **options: Any) -> ObjectCache:
    return ObjectCache(name, {"OPTIONS": options})


def test_values_are_kept_as_they_are_not_copied() -> None:
    cache = _cache("kept")
    value = ("<p>card</p>", (1, 2))
    cache.set("k", value)
    assert cache.get("k") is value
    assert cache.get_many(["k", "other"]) == {"k": value}
    assert cache.get("other", "none") == "none"
    assert cache.has_key("k") and not cache.has_key("other")


def test_entries_expire() -> None:
    cache = _cache("expiring")
    cache.set("short", 1, timeout=0.05)
    cache.set("forever", 2, timeout=None)
    time.sleep(0.1)
    assert cache.get("short") is None
    assert cache.get("forever") == 2
    assert cache.add("short", 3) and not cache.add("forever", 4)
    assert cache.touch("forever", 0.05) and not cache.touch("missing")
    time.sleep(0.1)
    assert cache.get("forever") is None


def test_the_oldest_entries_go_past_the_bound() -> None:
    cache = _cache("bounded", MAX_ENTRIES=10, CULL_FREQUENCY=2)
    cache.set_many({f"k{i}": i for i in range(10)})
    cache.set("k0", "again")  # set again: now the newest
    cache.set("new", 10)
    kept = cache.get_many([f"k{i}" for i in range(10)])
    assert len(kept) + 1 <= 10
    assert kept["k0"] == "again" and cache.get("new") == 10
    assert "k1" not in kept  # among the oldest


def test_every_thread_sees_one_store_and_delete_and_clear_work() -> None:
    # Django makes a backend instance per thread: they must share their entries.
    writer = _cache("threads")
    writer.set("k", "v")
    seen: list[Any] = []
    thread = threading.Thread(target=lambda: seen.append(_cache("threads").get("k")))
    thread.start()
    thread.join()
    assert seen == ["v"]
    assert writer.delete("k") and not writer.delete("k")
    writer.set("k2", "v2")
    _cache("threads").clear()
    assert writer.get("k2") is None


def test_keys_are_checked_when_written(recwarn: pytest.WarningsRecorder) -> None:
    cache = _cache("keys")
    cache.set("has space", 1)
    assert any("space" in str(w.message) or "memcache" in str(w.message) for w in recwarn)


def test_what_it_holds_is_bounded_in_bytes() -> None:
    # given a cache of 200 kB
    cache = _cache("bytes", MAX_BYTES=200_000, MAX_ENTRIES=10_000)
    # when far more than that is stored, 10 kB at a time
    for i in range(200):
        cache.set(f"k{i}", "x" * 10_000)
    # then it holds at most its bound, the newest entries kept
    assert 0 < cache.size <= 200_000
    assert cache.get("k199") is not None and cache.get("k0") is None
    cache.set("huge", "x" * 300_000)  # larger than the whole bound: not kept
    assert cache.get("huge") is None and cache.size <= 200_000
    cache.delete("k199")
    cache.clear()
    assert cache.size == 0


@dataclass(frozen=True)
class _Frozen:
    html: str
    ids: tuple[int, ...]


@dataclass
class _Thawed:
    html: str


@pytest.mark.parametrize(
    "value", [["a list"], {"a": "dict"}, {1, 2}, _Thawed("<p>"), ("tuple", ["of a list"])]
)
def test_values_someone_could_change_are_refused(value: Any) -> None:
    cache = _cache("frozen")
    with pytest.raises(TypeError, match="can be changed"):
        cache.set("k", value)
    assert cache.get("k") is None and cache.size == 0


def test_frozen_values_are_kept() -> None:
    cache = _cache("frozen-ok")
    value = _Frozen("<p>card</p>", (1, 2))
    cache.set_many({"a": value, "b": (b"raw", 1.5, None, True)})
    assert cache.get("a") is value and cache.size > 0
