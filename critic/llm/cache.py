"""The in-process LLM answer cache (cachetools' TLRU cache behind a lock) with single flight per key."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetools import TLRUCache

V = TypeVar("V")
DEFAULT_SIZE = 256


def _expires(_key: str, item: tuple[object, float], now: float) -> float:
    return now + item[1]


class LocalCache(Generic[V]):
    """Least recently used entries go first once `size` is reached; each entry lives for the TTL it was put with."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._data: TLRUCache[str, tuple[V, float]] = TLRUCache(maxsize=size, ttu=_expires, timer=time.monotonic)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe
        self._flights: dict[str, threading.Event] = {}

    def get(self, key: str) -> V | None:
        with self._lock:
            item = self._data.get(key)
        return None if item is None else item[0]

    def put(self, key: str, value: V, ttl: float) -> None:
        if ttl > 0:
            with self._lock:
                self._data[key] = (value, ttl)

    def fetch(self, key: str, ttl: float, make: Callable[[], tuple[V, bool]], wait_until: float) -> tuple[V, bool]:
        """(value, True) from the cache, else `make()`'s (value, hit), cached; concurrent callers wait for the first.

        A caller that finds another thread making the same key waits for it (until `wait_until`, a monotonic time),
        so identical drafts arriving together cost one model call. If that call fails, each waiter makes its own.
        """
        value = self.get(key)
        if value is not None:
            return value, True
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = threading.Event()
        if not leader:
            flight.wait(max(0.0, wait_until - time.monotonic()))
            value = self.get(key)
            if value is not None:
                return value, True
            return make()
        try:
            value, hit = make()
            self.put(key, value, ttl)
            return value, hit
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.set()

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
