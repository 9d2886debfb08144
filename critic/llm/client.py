"""One chat completion under an overall deadline: bounded concurrency, retries with backoff, live counters.

The `openai` client is used with its own retries off, because they know nothing of the deadline: tenacity retries
timeouts, connection errors, 408/409/429 and 5xx only while the deadline leaves time, and honours a short
Retry-After (a longer one ends the step at once). The request runs in a worker
thread that the caller waits for at most until the deadline, so even a server that trickles bytes cannot hold a
critique past it; the worker's own HTTP timeout is the time that was left, so it ends soon after.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from critic.llm.config import LLMConfig

if TYPE_CHECKING:
    import openai

MIN_TRY_SECONDS = 0.05  # no new attempt starts with less time than this left
GRACE_SECONDS = 0.05  # how long past the deadline the caller waits for a worker that is just finishing
BACKOFF_BASE, BACKOFF_CAP = 0.25, 4.0
TEMPERATURE = 0.0


class LLMFailure(Exception):
    """The model could not give an answer: `status` is timeout, error or invalid; `reason` is short and plain."""

    def __init__(self, status: str, reason: str, attempts: int = 0) -> None:
        super().__init__(reason)
        self.status, self.reason, self.attempts = status, reason, attempts


@dataclass(frozen=True)
class Reply:
    """What the endpoint answered."""

    content: str | None
    finish_reason: str | None
    refusal: str | None
    usage: dict[str, int] | None
    model: str | None
    attempts: int


class Counters:
    """Process-wide counts for /metrics: `calls` counts requests sent (retries included); `shared_errors` Redis failures."""

    NAMES = ("calls", "cache_hits", "errors", "timeouts", "shared_errors")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values = dict.fromkeys(self.NAMES, 0)
        self._listeners: list[Callable[[str], None]] = []

    def subscribe(self, listener: Callable[[str], None]) -> None:
        """Call `listener(name)` on every increment (how /metrics shares the counts across worker processes)."""
        with self._lock:
            self._listeners.append(listener)

    def incr(self, name: str) -> None:
        with self._lock:
            self._values[name] += 1
            listeners = list(self._listeners)
        for listener in listeners:
            listener(name)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._values)

    def reset(self) -> None:
        with self._lock:
            self._values = dict.fromkeys(self.NAMES, 0)


COUNTERS = Counters()


class _Slots:
    """The process-wide semaphore bounding concurrent model calls (re-made if the configured size changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._size = 0
        self._sem = threading.BoundedSemaphore(1)

    def get(self, size: int) -> threading.BoundedSemaphore:
        with self._lock:
            if size != self._size:
                self._size, self._sem = size, threading.BoundedSemaphore(size)
            return self._sem


SLOTS = _Slots()
_clients: dict[tuple[str | None, str], Any] = {}
_clients_lock = threading.Lock()


def _client(cfg: LLMConfig) -> openai.OpenAI:
    import openai  # imported on first use: it takes over a second, and heuristics-only runs never need it

    key = (cfg.base_url, cfg.api_key)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = openai.OpenAI(base_url=cfg.base_url, api_key=cfg.api_key, max_retries=0, timeout=cfg.timeout)
            _clients[key] = client
        return client


def reset_clients() -> None:
    """Forget cached clients (tests; a changed endpoint gets a new client anyway)."""
    with _clients_lock:
        _clients.clear()


def retry_after(headers: Any) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date), or None."""
    if headers is None:
        return None
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw.strip() else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _backoff(attempt: int) -> float:
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)) * random.uniform(1.0, 1.5)


def _short(text: object, limit: int = 160) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _reply(resp: Any, attempts: int) -> Reply:
    choices = getattr(resp, "choices", None)
    if not choices:
        raise LLMFailure("invalid", "the endpoint answered without a completion", attempts)
    choice = choices[0]
    message = getattr(choice, "message", None)
    usage = getattr(resp, "usage", None)
    usage_dict = None
    if usage is not None:
        usage_dict = {k: int(getattr(usage, k, 0) or 0) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
    return Reply(
        content=getattr(message, "content", None),
        finish_reason=getattr(choice, "finish_reason", None),
        refusal=getattr(message, "refusal", None),
        usage=usage_dict,
        model=getattr(resp, "model", None),
        attempts=attempts,
    )


class _Retryable(Exception):
    """A failed attempt worth another: `asked` is the server's Retry-After in seconds (None: back off)."""

    def __init__(self, status: str, reason: str, asked: float | None = None, backoff: bool = True) -> None:
        super().__init__(reason)
        self.status, self.reason, self.asked, self.backoff = status, reason, asked, backoff


def _one_attempt(
    client: Any, cfg: LLMConfig, messages: list[dict[str, str]], response_format: dict[str, Any], deadline: float
) -> Any:
    """One request, its HTTP timeout the time left; raises _Retryable or LLMFailure (attempts filled in later)."""
    import openai

    COUNTERS.incr("calls")
    try:
        return client.chat.completions.create(
            model=cfg.model,
            messages=messages,  # type: ignore[arg-type]
            response_format=response_format,  # type: ignore[arg-type]
            temperature=TEMPERATURE,
            max_tokens=cfg.max_tokens,
            timeout=max(MIN_TRY_SECONDS, deadline - time.monotonic()),
        )
    except openai.APITimeoutError:
        raise _Retryable("timeout", f"no answer within {cfg.timeout:g} s", backoff=False) from None
    except openai.APIConnectionError as exc:
        reason = f"cannot reach the model endpoint at {cfg.host}: {_short(exc.__cause__ or exc, 80)}"
        raise _Retryable("error", reason) from None
    except openai.APIStatusError as exc:
        code = exc.status_code
        if code not in (408, 409, 429) and code < 500:
            hint = (
                " (the server may not support json_schema: try CRITIC_LLM_RESPONSE_FORMAT=json_object)"
                if (
                    code in (400, 422)
                    and "response_format" in str(exc.message)
                    and cfg.response_format == "json_schema"
                )
                else ""
            )
            raise LLMFailure("error", f"HTTP {code} from the model endpoint: {_short(exc.message)}{hint}") from None
        reason = "rate limited (HTTP 429)" if code == 429 else f"HTTP {code} from the model endpoint"
        asked = retry_after(exc.response.headers)
        if asked is not None and asked > deadline - time.monotonic() - MIN_TRY_SECONDS:
            raise LLMFailure(
                "error", f"{reason}; the server asks to retry after {asked:g} s, past the deadline"
            ) from None
        raise _Retryable("error", reason, asked) from None
    except openai.OpenAIError as exc:
        raise LLMFailure("error", f"the model call failed: {_short(exc)}") from None


def _attempts(
    cfg: LLMConfig, messages: list[dict[str, str]], response_format: dict[str, Any], deadline: float
) -> Reply:
    """Attempts under tenacity: retry what is worth it, wait as asked or back off, stop when the deadline is near."""
    import tenacity

    client = _client(cfg)

    def pause(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        wanted = 0.0
        if isinstance(exc, _Retryable):
            wanted = exc.asked if exc.asked is not None else (_backoff(state.attempt_number) if exc.backoff else 0.0)
        return max(0.0, min(wanted, deadline - time.monotonic() - MIN_TRY_SECONDS))

    def out_of_time(state: tenacity.RetryCallState) -> bool:
        # No new attempt starts with less than MIN_TRY_SECONDS left after its pause.
        return deadline - time.monotonic() - (state.upcoming_sleep or 0.0) < MIN_TRY_SECONDS

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(_Retryable), wait=pause, stop=out_of_time, reraise=True
    )
    attempt = 0
    if deadline - time.monotonic() < MIN_TRY_SECONDS:
        raise LLMFailure("timeout", f"no answer within {cfg.timeout:g} s (deadline reached after 0 attempt(s))", 0)
    try:
        for tried in retrying:
            with tried:
                attempt = tried.retry_state.attempt_number
                resp = _one_attempt(client, cfg, messages, response_format, deadline)
    except _Retryable as exc:
        raise LLMFailure(
            exc.status, f"{exc.reason} (deadline of {cfg.timeout:g} s reached after {attempt} attempt(s))", attempt
        ) from None
    except LLMFailure as exc:
        raise LLMFailure(exc.status, exc.reason, attempt) from None
    return _reply(resp, attempt)


def complete(
    cfg: LLMConfig,
    messages: list[dict[str, str]],
    response_format: dict[str, Any],
    deadline: float,
    *,
    call: Callable[..., Reply] = _attempts,
) -> Reply:
    """One completion, finished (or abandoned) by `deadline` (a time.monotonic() value); raises LLMFailure."""
    sem = SLOTS.get(cfg.max_concurrency)
    if not sem.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise LLMFailure(
            "timeout", f"all {cfg.max_concurrency} model slots of this process stayed busy until the deadline"
        )
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["reply"] = call(cfg, messages, response_format, deadline)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            sem.release()  # released by the worker, so abandoned calls still count against the bound
            done.set()

    threading.Thread(target=work, name="critic-llm", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic()) + GRACE_SECONDS):
        raise LLMFailure("timeout", f"no answer within {cfg.timeout:g} s")
    if "error" in box:
        error = box["error"]
        if isinstance(error, LLMFailure):
            raise error
        raise LLMFailure("error", f"the model call failed: {_short(error)}")
    reply: Reply = box["reply"]
    return reply
