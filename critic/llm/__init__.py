"""LLM rubrics: deeper judgement through any OpenAI-compatible model (optional; see docs/llm.md).

Public API (used by the pipeline and the HTTP service): `judge`, `configured`, `counters`, `backend_state`,
plus `check_prompts` for a start-up check and `reset` for tests. The prompt files are loaded and validated
when first needed (a critique with no model configured never reads them); `critic.pipeline.warm_up`, which the
service runs at start, checks them, so a broken prompt fails at start-up with an error naming the file.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from critic.llm import client as _client
from critic.llm import shared as _shared
from critic.llm import stage as _stage
from critic.llm.config import LLMConfigError, is_configured, load_config
from critic.llm.guard import ADJUST_MAX, ADJUST_MIN
from critic.llm.prompt_files import PROMPTS_DIR, PromptError, Prompts, load_prompts
from critic.llm.stage import LLMVerdict, Rejudge
from critic.model import Critique


class _Prompts:
    """The shipped prompts, read and checked on first use (importing jsonschema only then)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_shipped_prompts(), name)


@functools.cache
def _shipped_prompts() -> Prompts:
    return load_prompts()


PROMPTS: Prompts = _Prompts()  # type: ignore[assignment]
STATUSES = ("off", "ok", "cached", "timeout", "error", "invalid", "unconfigured")

__all__ = [
    "ADJUST_MAX",
    "ADJUST_MIN",
    "PROMPTS",
    "PROMPTS_DIR",
    "STATUSES",
    "PromptError",
    "backend_state",
    "LLMVerdict",
    "check_prompts",
    "configured",
    "counters",
    "judge",
    "reset",
    "shared_state",
]


def configured() -> bool:
    """True when the operator configured a model endpoint (read from the environment on every call)."""
    return is_configured()


def judge(result: Critique, mode: str, rejudge: Rejudge) -> LLMVerdict:
    """The LLM's verdict on a heuristic critique when `mode` ("auto", "on", "off") allows it.

    Never raises for model trouble: on any failure the verdict changes nothing and says why in `info`
    (`status`, `reason`). `rejudge` is the pipeline's heuristic run, used on the draft without injected text.
    """
    return _stage.judge(result, mode, PROMPTS, rejudge)


def counters() -> dict[str, int]:
    """Process-wide LLM counters for /metrics: requests sent (`calls`, retries included), cache hits,
    critiques whose LLM step ended in an error or invalid answer (`errors`), and in a timeout (`timeouts`)."""
    return _client.COUNTERS.snapshot()


COUNTER_NAMES = _client.Counters.NAMES


def subscribe(listener: Callable[[str], None]) -> None:
    """Call `listener(name)` whenever one of the `counters()` goes up."""
    _client.COUNTERS.subscribe(listener)


def backend_state() -> dict[str, Any]:
    """What readiness reports about the LLM backend (never the API key)."""
    state: dict[str, Any] = {
        "configured": configured(),
        "model": os.environ.get("CRITIC_LLM_MODEL") or None,
        "base_url_host": None,
        "timeout": None,
        "response_format": None,
        "max_concurrency": None,
        "prompt_version": PROMPTS.version,
    }
    if state["configured"]:
        try:
            cfg = load_config()
        except LLMConfigError as exc:
            state["error"] = str(exc)
        else:
            state.update(
                base_url_host=cfg.host,
                timeout=cfg.timeout,
                response_format=cfg.response_format,
                max_concurrency=cfg.max_concurrency,
            )
    return state


def shared_state(probe: bool = False) -> dict[str, Any]:
    """The shared cache's state (Redis at CRITIC_REDIS_URL): configured, up, last error type; `probe` pings it."""
    return _shared.state(probe)


def check_prompts(directory: str | os.PathLike[str] | None = None) -> Prompts:
    """Load and validate the prompt files (the shipped ones by default); raises PromptError naming the file."""
    return load_prompts(directory) if directory is not None else load_prompts()


def reset() -> None:
    """Forget the cache, counters and HTTP clients (for tests)."""
    _stage.CACHE.clear()
    _shared.reset()
    _client.COUNTERS.reset()
    _client.reset_clients()
