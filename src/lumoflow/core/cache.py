"""An in-process cache that keeps values as they are, for the shared page fragments.

Django's in-process cache pickles every value on the way in and unpickles it on the way out, so
that no caller can change what another reads. Page fragments are read many times per request
(twenty cards on a feed page) and are immutable by construction (strings, frozen dataclasses of
plain data), so that copying costs more than the rest of reading them. This backend keeps the
objects themselves: store only values nobody changes.

Bounded like Django's (`MAX_ENTRIES`, `CULL_FREQUENCY`): past the bound, the oldest entries go.
Reads take no lock; writes take one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_NEVER = float("inf")
# Django makes a backend instance per thread: the entries live here, one store per cache name.
_STORES: dict[str, dict[str, tuple[float, Any]]] = {}
_LOCKS: dict[str, threading.Lock] = {}


class ObjectCache(BaseCache):
    """A bounded in-process cache of objects (not copies). For immutable values only."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._data = _STORES.setdefault(name, {})
        self._lock = _LOCKS.setdefault(name, threading.Lock())

    # ------------------------------------------------------------------ reads (no lock)
    def _live(self, key: str) -> tuple[float, Any] | None:
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

    def _store(self, key: str, value: Any, expires: float) -> None:
        """Under the lock: cull when full (expired entries, then the oldest), then insert."""
        self._data.pop(key, None)
        if len(self._data) >= self._max_entries:
            now = time.time()
            for k in [k for k, (at, _) in self._data.items() if at <= now]:
                del self._data[k]
        if len(self._data) >= self._max_entries:
            if self._cull_frequency == 0:
                self._data.clear()
            else:
                for k in list(self._data)[: max(1, len(self._data) // self._cull_frequency)]:
                    del self._data[k]
        self._data[key] = (expires, value)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        key = self.make_and_validate_key(key, version)
        with self._lock:
            self._store(key, value, self._expiry(timeout))

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        expires = self._expiry(timeout)
        keys = {self.make_and_validate_key(k, version): v for k, v in data.items()}
        with self._lock:
            for key, value in keys.items():
                self._store(key, value, expires)
        return []

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        key = self.make_and_validate_key(key, version)
        with self._lock:
            if self._live(key) is not None:
                return False
            self._store(key, value, self._expiry(timeout))
            return True

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version)
        with self._lock:
            hit = self._live(key)
            if hit is None:
                return False
            self._data[key] = (self._expiry(timeout), hit[1])
            return True

    def delete(self, key: Any, version: Any = None) -> bool:
        key = self.make_and_validate_key(key, version)
        with self._lock:
            return self._data.pop(key, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
