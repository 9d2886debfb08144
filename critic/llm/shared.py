"""The LLM answer cache on Redis (CRITIC_REDIS_URL), shared by every worker and replica, with one call per draft.

Optional: without the URL the in-process cache is all there is. A lock per key (redis-py's Lock: a token, a
timeout that outlasts the model step's deadline, a safe release) lets one process ask the model while the others poll
for its answer (tests/test_shared_redis.py holds the races). Redis trouble never fails a critique: the call goes ahead
without the shared cache (each process's own cache still works), a Redis that timed out is left alone for RETRY_DOWN
seconds (one that refused is tried again on the next call: that costs nothing, and a restarted Redis is used at once),
and `state()` (in /readyz and /metrics) says so.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from critic.llm.client import COUNTERS

V = TypeVar("V")
REDIS_ENV = "CRITIC_REDIS_URL"
PREFIX = "critic:llm:v1:"
SOCKET_TIMEOUT = 0.5  # seconds; a Redis that does not answer this fast is treated as down
RETRY_DOWN = 2.0  # after a timeout, seconds before Redis is tried again: a dead Redis must not slow every request
RETRY_FAST = 0.0  # after a failure that was immediate (refused, reset: it costs nothing): tried on the next call
POLL = 0.05  # seconds between looks for another process's answer
log = logging.getLogger("critic.llm.shared")


def fails_fast(exc: BaseException) -> bool:
    """False when the failure was a timeout (anywhere in the exception's chain), True for a refusal, a reset, ..."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return True
        if isinstance(seen, TimeoutError) or type(seen).__name__ == "TimeoutError":  # redis-py's own or socket's
            return False
        seen = seen.__cause__ or seen.__context__
    return True


class SharedCache:
    """One Redis endpoint: get, single-flight lock, set; every Redis error is absorbed and reported."""

    def __init__(self, url: str) -> None:
        import redis

        self._errors = (redis.RedisError, OSError)
        self._redis = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self.up: bool | None = None
        self.last_error: str | None = None

    def _ok(self) -> None:
        if self.up is False:
            log.warning("shared cache: Redis is reachable again")
        self.up = True

    def _failed(self, exc: BaseException) -> None:
        # A timeout cost the caller SOCKET_TIMEOUT, so Redis is left alone for a while; a refused connection (the
        # server is down, the host up) fails at once, so the next call tries again and a restarted Redis is used
        # from its first moment (every process back on the shared cache together: one model call per draft).
        pause = RETRY_FAST if fails_fast(exc) else RETRY_DOWN
        with self._lock:
            first = self.up is not False
            self.up, self.last_error = False, type(exc).__name__
            self._down_until = time.monotonic() + pause
        COUNTERS.incr("shared_errors")
        if first:  # once per outage, and never the URL (it may hold a password)
            log.warning("shared cache: Redis unavailable (%s); answering without it", type(exc).__name__)

    def usable(self) -> bool:
        """False for RETRY_DOWN seconds after a failure."""
        return time.monotonic() >= self._down_until

    def ping(self) -> bool:
        """Ask Redis now (readiness); updates the state."""
        try:
            self._redis.ping()
        except self._errors as exc:
            self._failed(exc)
            return False
        self._ok()
        return True

    def fetch(
        self,
        key: str,
        ttl: float,
        make: Callable[[], V],
        wait_until: float,
        encode: Callable[[V], bytes],
        decode: Callable[[bytes], V | None],
    ) -> tuple[V, bool]:
        """(value, True) from Redis or from another process's call in flight, else (make(), False), stored.

        One caller per key holds the lock (its TTL outlasts `wait_until`, the model step's deadline) and calls
        `make`; the others poll for its answer until it appears, or the lock goes without one (the call failed:
        failures are not stored), when one of them takes the lock and asks in turn; or until the deadline.
        """
        if not self.usable():
            return make(), False
        name = PREFIX + key
        try:
            value, lock = self._claim(name, wait_until, decode)
        except self._errors as exc:
            self._failed(exc)
            return make(), False
        if value is not None:
            return value, True
        try:
            value = make()
            self._quietly(lambda: self._redis.set(name, encode(value), ex=max(1, math.ceil(ttl))))
            return value, False
        finally:
            if lock is not None:
                self._quietly(lock.release)

    def _read(self, name: str, decode: Callable[[bytes], V | None]) -> V | None:
        raw = self._redis.get(name)
        return decode(raw) if raw is not None else None

    def _claim(self, name: str, wait_until: float, decode: Callable[[bytes], V | None]) -> tuple[V | None, Any]:
        """(the stored answer, None), or (None, our lock) when this caller is to ask the model; raises Redis errors.

        (None, None) once the deadline passed while waiting: the caller asks on its own (and its deadline is spent,
        so no model call is made)."""
        lock_name = name + ":lock"
        while True:
            value = self._read(name, decode)
            if value is not None:
                self._ok()
                return value, None
            lock = self._redis.lock(lock_name, timeout=max(1.0, wait_until - time.monotonic() + 1.0))
            if lock.acquire(blocking=False):
                self._ok()
                # The last holder may have stored its answer and released between the read above and this acquire.
                value = self._read(name, decode)
                if value is not None:
                    self._quietly(lock.release)
                    return value, None
                return None, lock
            # Another worker or replica is asking the model: its answer appears under `name`, then its lock goes.
            while True:
                if time.monotonic() >= wait_until:
                    self._ok()
                    return None, None
                time.sleep(POLL)
                value = self._read(name, decode)
                if value is not None:
                    self._ok()
                    return value, None
                if not self._redis.exists(lock_name):
                    break  # gone: either an answer was stored just now, or the call failed; read and claim again

    def _quietly(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except self._errors as exc:
            self._failed(exc)
        except Exception as exc:  # noqa: BLE001 - e.g. redis-py's LockError when the lock expired meanwhile
            log.debug("shared cache: %s ignored", type(exc).__name__)

    def close(self) -> None:
        self._redis.close()


_current: tuple[str, SharedCache] | None = None
_current_lock = threading.Lock()


def shared_cache() -> SharedCache | None:
    """The shared cache for CRITIC_REDIS_URL (read on every call, like the other LLM settings), or None."""
    global _current  # noqa: PLW0603 - one Redis client per process, replaced when the URL changes
    url = (os.environ.get(REDIS_ENV) or "").strip()
    if not url:
        return None
    with _current_lock:
        # redis-py's pool notices a fork and opens new connections in the child, so one client serves all workers.
        if _current is None or _current[0] != url:
            _current = (url, SharedCache(url))
        return _current[1]


def state(probe: bool = False) -> dict[str, Any]:
    """What /readyz and /metrics report: configured, up (None before first use) and the last error's type."""
    cache = shared_cache()
    if cache is None:
        return {"configured": False, "up": None, "last_error": None}
    if probe and cache.usable():
        cache.ping()
    return {"configured": True, "up": cache.up, "last_error": cache.last_error}


def reset() -> None:
    """Forget the client (tests; a changed URL gets a new one anyway)."""
    global _current  # noqa: PLW0603 - one Redis client per process, replaced when the URL changes
    with _current_lock:
        if _current is not None:
            _current[1].close()
        _current = None
