"""The LLM backend's configuration, read from the environment at call time (so tests and operators can change it)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 15.0
DEFAULT_CONCURRENCY = 4
DEFAULT_CACHE_TTL = 3600.0
DEFAULT_MAX_TOKENS = 2500
RESPONSE_FORMATS = ("json_schema", "json_object")
# Local servers accept any key, but the openai client refuses to start without one.
DUMMY_KEY = "not-needed"


class LLMConfigError(ValueError):
    """An LLM setting in the environment is invalid; the message names the variable."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model is and how to talk to it. `api_key` is never reported anywhere."""

    base_url: str | None
    api_key: str
    model: str
    timeout: float
    max_concurrency: int
    response_format: str
    cache_ttl: float
    max_tokens: int

    @property
    def host(self) -> str | None:
        """The endpoint's host (and port), or None for the client's default (api.openai.com)."""
        if not self.base_url:
            return "api.openai.com"
        return urlsplit(self.base_url).netloc or None


def is_configured(env: Mapping[str, str] | None = None) -> bool:
    """True when an endpoint (or a key for the default endpoint) and a model are set."""
    env = os.environ if env is None else env
    return bool(env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY")) and bool(env.get("CRITIC_LLM_MODEL"))


def _number(
    env: Mapping[str, str], name: str, default: float, *, integer: bool = False, allow_zero: bool = False
) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise LLMConfigError(f"{name} must be a {'whole ' if integer else ''}number, not {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero) or value != value:
        raise LLMConfigError(f"{name} must be {'zero or ' if allow_zero else ''}positive, not {raw!r}")
    return value


def load_config(env: Mapping[str, str] | None = None) -> LLMConfig:
    """The current configuration; raises LLMConfigError naming the bad variable. Call only when configured."""
    env = os.environ if env is None else env
    fmt = (env.get("CRITIC_LLM_RESPONSE_FORMAT") or "json_schema").strip().lower()
    if fmt not in RESPONSE_FORMATS:
        raise LLMConfigError(f"CRITIC_LLM_RESPONSE_FORMAT must be json_schema or json_object, not {fmt!r}")
    return LLMConfig(
        base_url=(env.get("OPENAI_BASE_URL") or "").strip() or None,
        api_key=(env.get("OPENAI_API_KEY") or "").strip() or DUMMY_KEY,
        model=(env.get("CRITIC_LLM_MODEL") or "").strip(),
        timeout=_number(env, "CRITIC_LLM_TIMEOUT", DEFAULT_TIMEOUT),
        max_concurrency=int(_number(env, "CRITIC_LLM_MAX_CONCURRENCY", DEFAULT_CONCURRENCY, integer=True)),
        response_format=fmt,
        cache_ttl=_number(env, "CRITIC_LLM_CACHE_TTL", DEFAULT_CACHE_TTL, allow_zero=True),
        max_tokens=int(_number(env, "CRITIC_LLM_MAX_TOKENS", DEFAULT_MAX_TOKENS, integer=True)),
    )
