"""An in-process cache that keeps values as they are, for the shared page fragments.

Django's in-process cache pickles every value on the way in and unpickles it on the way out, so
that no caller can change what another reads. Page fragments are read many times per request
(twenty cards on a feed page) and are immutable by construction (strings, frozen dataclasses of
plain data), so that copying costs more than the rest of reading them (`make bench
ONLY=fragment_cache` measures both). This backend keeps the objects themselves, and so refuses
on `set` anything that someone could change afterwards: only str, bytes, numbers, None, dates and
times, tuples and frozen dataclasses of those (TypeError otherwise).

Bounded in bytes (`MAX_BYTES`, from LUMOFLOW_FRAGMENT_CACHE_BYTES: the size of what it holds,
measured on the way in) and in entries (`MAX_ENTRIES`): past either bound, expired entries go,
then the oldest. A value larger than the whole bound is not kept. Reads take no lock; writes
take one.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_NEVER = float("inf")
_ATOMS = (str, bytes, int, float, complex, type(None), datetime.date, datetime.time)
DEFAULT_MAX_BYTES = 64 << 20


class _Store:
    """One cache's entries (key → (expires, value, size)), their total size and its lock."""

    def __init__(self) -> None:
        self.data: dict[str, tuple[float, Any, int]] = {}
        self.size = 0
        self.lock = threading.Lock()


# Django makes a backend instance per thread: the entries live here, one store per cache name.
_STORES: dict[str, _Store] = {}


def frozen_size(value: Any) -> int:
    """The bytes `value` takes in memory; TypeError when it, or anything in it, can be changed.

    >>> frozen_size(("<p>card</p>", 3)) > 0
    True
    >>> frozen_size(["a list"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: ObjectCache keeps values as they are: a list can be changed ...
    """
    if isinstance(value, _ATOMS):
        return sys.getsizeof(value)
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(frozen_size(v) for v in value)
    kind = type(value)
    if dataclasses.is_dataclass(value) and kind.__dataclass_params__.frozen:
        fields = dataclasses.fields(value)
        return sys.getsizeof(value) + sum(frozen_size(getattr(value, f.name)) for f in fields)
    raise TypeError(
        f"ObjectCache keeps values as they are: a {kind.__name__} can be changed (store str, "
        "bytes, numbers, dates, tuples or frozen dataclasses)"
    )


class ObjectCache(BaseCache):
    """A bounded in-process cache of immutable objects (not copies)."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._store = _STORES.setdefault(name, _Store())
        self._data = self._store.data

    @property
    def size(self) -> int:
        """The bytes of the values held now."""
        return self._store.size

    # ------------------------------------------------------------------ reads (no lock)
    def _live(self, key: str) -> tuple[float, Any, int] | None:
        hit = self._data.get(key)
        if hit is None or hit[0] <= time.time():
            return None
        return hit

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        hit = self._live(self.make_key(key, version))
        return default if hit is None else hit[1]

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        found = {}
        for key in keys:
            hit = self._live(self.make_key(key, version))
            if hit is not None:
                found[key] = hit[1]
        return found

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._live(self.make_key(key, version)) is not None

    # ------------------------------------------------------------------ writes
    def _expiry(self, timeout: Any) -> float:
        at = self.get_backend_timeout(timeout)
        return _NEVER if at is None else float(at)

    def _drop(self, key: str) -> None:
        entry = self._data.pop(key, None)
        if entry is not None:
            self._store.size -= entry[2]

    def _full(self, size: int) -> bool:
        data = self._data
        return len(data) >= self._max_entries or self._store.size + size > self._max_bytes

    def _store_value(self, key: str, value: Any, expires: float) -> None:
        """Under the lock: make room (expired entries, then the oldest), then insert."""
        size = frozen_size(value) + sys.getsizeof(key)
        self._drop(key)
        if size > self._max_bytes:
            return
        if self._full(size):
            now = time.time()
            for k in [k for k, (at, _, _) in self._data.items() if at <= now]:
                self._drop(k)
        if self._full(size) and self._cull_frequency == 0:
            self._clear_locked()
        while self._data and self._full(size):
            cut = max(1, len(self._data) // max(1, self._cull_frequency))
            for k in list(self._data)[:cut]:
                self._drop(k)
        self._data[key] = (expires, value, size)
        self._store.size += size

    def _clear_locked(self) -> None:
        self._data.clear()
        self._store.size = 0

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        key = self.make_and_validate_key(key, version)
        with self._store.lock:
            self._store_value(key, value, self._expiry(timeout))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        expires = self._expiry(timeout)
        keys = {self.make_and_validate_key(k, version): v for k, v in data.items()}
        with self._store.lock:
            for key, value in keys.items():
                self._store_value(key, value, expires)
        return []

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        key = self.make_and_validate_key(key, version)
        with self._store.lock:
            if self._live(key) is not None:
                return False
            self._store_value(key, value, self._expiry(timeout))
            return True

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version)
        with self._store.lock:
            hit = self._live(key)
            if hit is None:
                return False
            self._data[key] = (self._expiry(timeout), hit[1], hit[2])
            return True

    def delete(self, key: Any, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version)
        with self._store.lock:
            found = key in self._data
            self._drop(key)
            return found

    def clear(self) -> None:
        with self._store.lock:
            self._clear_locked()
