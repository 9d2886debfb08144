"""Rate limits per API key or client address (the `limits` library's fixed windows), on Redis or in this process.

limits' MemoryStorage expires counters on a `threading.Timer` of 10 ms that it starts again on every hit once the
last one has run: under load that is a new thread for nearly every request, and the request waits for the thread to
start, behind every other thread wanting the GIL (measured: 0.25 ms of CPU per request in one thread, more under
contention; bench/serving.py). Here a hit sweeps expired counters itself, at most once per SWEEP seconds, so no
thread is ever started and the counters of addresses that went quiet are still dropped (memory stays flat).
"""

from __future__ import annotations

import logging
import threading
import time

from limits.storage import MemoryStorage

log = logging.getLogger("critic.service.ratelimit")

SWEEP = 1.0  # seconds between sweeps of expired counters


class SweptMemoryStorage(MemoryStorage):
    """Fixed-window counters in this process; expired ones are swept on a hit, never by a timer thread."""

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one timer the base class starts on creation: not needed
        self._sweep_lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP

    def _sweep(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP
            wall = time.time()
            for key in [k for k, at in list(self.expirations.items()) if at <= wall]:
                with self.locks[key]:
                    if self.expirations.get(key, wall + 1) <= wall:
                        self.storage.pop(key, None)
                        self.expirations.pop(key, None)
                self.locks.pop(key, None)
        finally:
            self._sweep_lock.release()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count a hit in the key's window (a new window when the last one expired)."""
        self._sweep()
        self.get(key)  # drops the key's expired window
        with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
            return self.storage.get(key, 0)

    def decr(self, key: str, amount: int = 1) -> int:
        """Take hits back from the key's window."""
        self.get(key)
        with self.locks[key]:
            self.storage[key] = max(self.storage[key] - amount, 0)
            return self.storage.get(key, 0)

    def counters(self) -> int:
        """How many keys have a live counter."""
        return len(self.storage)


class RateLimiter:
    """One fixed-window budget per key (or client address) across all of /v1/*, counted on Redis or in this process.

    What flask-limiter did here, without its per-request machinery (resolving limit strings, scopes and exemptions for
    every request: 0.15-0.25 ms of CPU per request) and with one Redis round trip per request instead of three (the
    count comes back from the increment; the window's end is asked once per key and window). With Redis the counters
    hold across every worker and replica; when Redis fails, this process counts in memory until Redis answers again
    (a refused connection is retried on the next request, a timeout after RETRY_DOWN seconds), and no request is ever
    refused for it.
    """

    RETRY_DOWN = 2.0

    def __init__(self, limit: str, redis_url: str | None = None) -> None:
        from limits import parse
        from limits.storage import storage_from_string

        self.item = parse(limit)
        self.memory = SweptMemoryStorage()
        self.shared = (
            storage_from_string(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5) if redis_url else None
        )
        self._ends: dict[str, float] = {}  # the shared window's end, per key, as last learnt (epoch seconds)
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.up: bool | None = None

    def __str__(self) -> str:
        return str(self.item)

    def hit(self, who: str) -> tuple[bool, int, float]:
        """Count one request for `who`: (allowed, requests left in the window, the window's end in epoch seconds)."""
        key = self.item.key_for(who)
        window = self.item.get_expiry()
        if self.shared is not None and time.monotonic() >= self._down_until:
            try:
                count = self.shared.incr(key, window)
                end = self._ends.get(key, 0.0)
                if count == 1 or end <= time.time():
                    end = time.time() + window if count == 1 else self.shared.get_expiry(key)
                    self._remember(key, end)
                self._is_up()
                return count <= self.item.amount, max(0, self.item.amount - count), end
            except Exception as exc:  # noqa: BLE001 - any storage failure means counting here instead
                self._is_down(exc)
        count = self.memory.incr(key, window)
        return count <= self.item.amount, max(0, self.item.amount - count), self.memory.get_expiry(key)

    def _remember(self, key: str, end: float) -> None:
        with self._lock:
            if len(self._ends) > 10_000:  # keys of clients gone quiet: drop the windows that have ended
                now = time.time()
                self._ends = {k: v for k, v in self._ends.items() if v > now}
            self._ends[key] = end

    def _is_up(self) -> None:
        if self.up is False:
            log.warning("rate limits: Redis is reachable again; counting there")
        self.up = True

    def _is_down(self, exc: BaseException) -> None:
        from critic.llm.shared import fails_fast

        first = self.up is not False
        self.up = False
        self._down_until = time.monotonic() + (0.0 if fails_fast(exc) else self.RETRY_DOWN)
        if first:
            log.warning(
                "rate limits: Redis unavailable (%s); counting in this process until it is back", type(exc).__name__
            )
